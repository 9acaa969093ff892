export { SIGNAL_TYPES, type SignalType } from '../domain/signal-types';
