// Internals for the slot protocol layer (same package only; not exported from index.ts).
export { getInternals, slotContext, type DataBlockInternals } from './block/datablock.js';
export { ParticipantTable, PARTICIPANT_WORDS, PROTOCOL_WORDS_START, ROLE_CODES } from './participants/table.js';
export * from './layout/constants.js';
