/*
 * Wire format of the ready fd (child → parent). See README "Wire protocol".
 *
 * - The first byte, whatever its value, means READY, unless it is '@' (0x40).
 * - If the first byte is '@', the first line is a message line: `@ready` or `@ready <payload>`,
 *   terminated by '\n'. EOF before the '\n' still means ready (without payload).
 * - After ready, the stream is read as '\n'-terminated lines. `@checkpoint <name>` is a
 *   checkpoint; empty lines, lines not starting with '@' and unknown '@' lines are ignored.
 */
export const MARKER = 0x40; // '@'
export const NEWLINE = 0x0a;
export const READY_WORD = '@ready';
export const CHECKPOINT_WORD = '@checkpoint';
