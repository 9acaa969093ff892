// Nest and TypeORM read decorator metadata through this polyfill; load it before any test module.
import 'reflect-metadata';
