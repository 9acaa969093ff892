// For its side effect, before any payload can be encoded: the ASCII fast path of protobuf strings.
import './text-encoding';
export * from './topics';
export * from './services';
export * from './errors';
export * from './event-types';
export * from './mediation-answers';
export * from './risk-trend';
export * from './generated/common/v1/types_pb';
export * from './generated/earlywarning/v1/events_pb';
export * from './generated/mediation/v1/events_pb';
export * from './generated/electoral/v1/events_pb';
export * from './generated/partnerships/v1/events_pb';
