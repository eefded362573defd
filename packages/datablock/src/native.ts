// The one import of the binding in this package. Its typings are those of
// @plh/datablock-native's own index.d.ts (not repeated here).
import binding from '@plh/datablock-native';
import type * as NativeTypes from '@plh/datablock-native';

export type NativeBinding = typeof NativeTypes;
export type NativeMapping = NativeTypes.Mapping;

export const native = binding as unknown as NativeBinding;
