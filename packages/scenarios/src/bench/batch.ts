/** Slots per call on both sides of the batch measures (producer.writeBatch / consumer.readBatch). */
export const BATCH = 32;
