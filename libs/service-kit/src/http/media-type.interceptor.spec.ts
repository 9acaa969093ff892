import { describe, expect, it } from 'vitest';
import { mediaTypeProblem } from './media-type.interceptor';

const request = (contentType: string | undefined, length = 10) => ({ headers: { 'content-type': contentType, 'content-length': String(length) } });
const answer = (consumes: string[] | undefined, contentType: string | undefined, length?: number) => {
  const problem = mediaTypeProblem(consumes, request(contentType, length));
  return problem && { status: problem.getStatus(), body: problem.getResponse() };
};

describe('the media type a route reads', () => {
  it('takes JSON on a JSON route and a form on an upload route', () => {
    expect(answer(undefined, 'application/json')).toBeUndefined();
    expect(answer(['multipart/form-data'], 'multipart/form-data; boundary=x')).toBeUndefined();
  });

  it('refuses a form posted to a JSON route, which arrived as an empty object and read as every field missing', () => {
    expect(answer(undefined, 'multipart/form-data; boundary=x')).toEqual({
      status: 415,
      body: expect.objectContaining({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'content-type', reason: 'must be application/json, not multipart/form-data; boundary=x' }] }),
    });
  });

  it('refuses JSON sent to an upload, which was told its file was missing and each key was no import field', () => {
    expect(answer(['multipart/form-data'], 'application/json')).toEqual({
      status: 415,
      body: expect.objectContaining({ errors: [{ field: 'content-type', reason: 'must be multipart/form-data (this request uploads a file), not application/json' }] }),
    });
  });

  it('refuses text, CSV or a urlencoded form anywhere, naming what the route takes', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/csv']) {
      expect(answer(undefined, type), type).toEqual({ status: 415, body: expect.objectContaining({ errors: [{ field: 'content-type', reason: `must be application/json, not ${type}` }] }) });
    }
    expect(answer(['multipart/form-data'], 'text/csv')).toEqual({
      status: 415,
      body: expect.objectContaining({ errors: [{ field: 'content-type', reason: 'must be multipart/form-data (this request uploads a file), not text/csv' }] }),
    });
    expect(answer(undefined, undefined)).toEqual({ status: 415, body: expect.objectContaining({ errors: [{ field: 'content-type', reason: 'must be application/json, not missing' }] }) });
    expect(answer(undefined, 'application/cloudevents+json; charset=utf-8')).toBeUndefined();
  });

  it('leaves a request without a body to the route, which says what it lacks', () => {
    expect(answer(['multipart/form-data'], undefined, 0)).toBeUndefined();
    expect(answer(undefined, 'multipart/form-data; boundary=x', 0)).toBeUndefined();
  });
});
