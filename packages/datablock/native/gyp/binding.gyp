# The developer build (scripts/build.cjs runs node-gyp here and copies the result to
# build/Release/). It lives outside the package root on purpose: a root binding.gyp would make
# npm add an install script to the published manifest and pnpm refuse the install.
{
  "targets": [
    {
      "target_name": "plh_datablock",
      "sources": ["../src/addon.cc", "../src/errors.cc", "../src/shm.cc", "../src/mapping.cc", "../src/mutex.cc", "../src/futex.cc", "../src/crc32c.cc", "../src/notify.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=9", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "libraries": ["-lrt", "-lpthread", "-ldl"]
    }
  ]
}
