declare const binding: { abiVersion: number };
export = binding;
