/** Injection tokens of the service kit. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
