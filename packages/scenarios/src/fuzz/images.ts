import { readFileSync } from 'node:fs';
import { DataBlock, DataBlockMutex } from '@plh/datablock';

export type ImageKind = 'block' | 'mutex';

/** A region of a pristine image that holds control words (mutex record, state, participants, slot control). */
export interface Region {
  name: string;
  offset: number;
  size: number;
}

/** A valid segment's bytes, captured from /dev/shm, with where its fields and control words are. */
export interface PristineImage {
  kind: ImageKind;
  bytes: Uint8Array;
  segmentSize: number;
  regions: Region[];
}

export function shmPath(name: string, kind: ImageKind): string {
  return kind === 'block' ? `/dev/shm/plh.${name}` : `/dev/shm/plh.mutex.${name}`;
}

/**
 * Creates a valid DataBlock and a valid DataBlockMutex with the real API, copies their bytes
 * and removes them at once. The mutex record of the block image is captured while locked
 * (owner = this process), so the fuzz also meets a held robust mutex.
 */
export function capturePristineImages(prefix: string): Record<ImageKind, PristineImage> {
  const blockName = `${prefix}-pristine-b`;
  const mutexName = `${prefix}-pristine-m`;
  const block = DataBlock.create(blockName, { slotCount: 4, slotSize: 100, flexZoneSize: 96, maxParticipants: 8 });
  let blockImage: PristineImage;
  try {
    block.flexZone.set([0xbe, 0xba, 0xfe, 0xca, 0xad, 0xde]);
    const l = block.layout;
    block.mutex.lock({ timeoutMs: 1_000 });
    const bytes = new Uint8Array(readFileSync(shmPath(blockName, 'block')));
    block.mutex.unlock();
    blockImage = {
      kind: 'block',
      bytes,
      segmentSize: l.segmentSize,
      regions: [
        { name: 'mutex record', offset: l.mutexOffset, size: 128 },
        { name: 'state', offset: l.stateOffset, size: l.stateSize },
        { name: 'participants', offset: l.participantsOffset, size: l.participantCapacity * l.participantStride },
        { name: 'flex zone', offset: l.flexZoneOffset, size: l.flexZoneSize },
        { name: 'slot control', offset: l.controlOffset, size: l.slotCount * l.controlStride },
      ],
    };
  } finally {
    block.close();
    DataBlock.unlink(blockName);
  }
  const mutex = DataBlockMutex.create(mutexName, { maxParticipants: 4 });
  let mutexImage: PristineImage;
  try {
    const l = mutex.layout;
    mutexImage = {
      kind: 'mutex',
      bytes: new Uint8Array(readFileSync(shmPath(mutexName, 'mutex'))),
      segmentSize: l.segmentSize,
      regions: [
        { name: 'mutex record', offset: l.mutexOffset, size: 128 },
        { name: 'participants', offset: l.participantsOffset, size: l.participantCapacity * l.participantStride },
      ],
    };
  } finally {
    mutex.close();
    DataBlockMutex.unlink(mutexName);
  }
  return { block: blockImage, mutex: mutexImage };
}
