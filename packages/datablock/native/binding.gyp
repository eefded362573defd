{
  "targets": [
    {
      "target_name": "plh_datablock",
      "sources": ["src/addon.cc", "src/errors.cc", "src/shm.cc", "src/mapping.cc", "src/mutex.cc", "src/futex.cc", "src/crc32c.cc", "src/notify.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=9", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "libraries": ["-lrt", "-lpthread"]
    }
  ]
}
