/** Wrong methods on known paths answer 405 with Allow; unknown paths stay 404; GET and HEAD still work. */
import Fastify, { type FastifyInstance } from 'fastify';
import { methodNotAllowed } from '../../src/routes/methods';
import { testApp, testConfig } from '../support/app';

let app: FastifyInstance;

beforeAll(async () => {
  // never queried: these tests run no tracking cycle
  app = await testApp(testConfig({ prometheus: { url: 'http://127.0.0.1:9', retries: 0 } }));
});
afterAll(async () => {
  await app?.close();
});

describe('HTTP methods', () => {
  it.each([
    ['POST', '/metrics'],
    ['DELETE', '/api/v1/workspaces'],
    ['PUT', '/healthz'],
    ['PATCH', '/readyz?x=1'],
    ['POST', '/api/v1/usage/user/alice/days/2026-03-01'],
    ['OPTIONS', '/api/v1/summary'],
  ])('%s %s is 405 with Allow: GET, HEAD', async (method, url) => {
    const r = await app.inject({ method: method as 'POST', url });
    expect(r.statusCode).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
    expect(r.json()).toEqual({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: `${method} is not allowed on ${url.split('?')[0]}; use GET, HEAD`,
    });
  });

  it.each([
    ['GET', '/nope'],
    ['POST', '/nope'],
    ['POST', '/metrics/'],
    ['GET', '/api/v1/usage/user/alice/days'],
  ])('%s %s (an unknown path) stays 404', async (method, url) => {
    const r = await app.inject({ method: method as 'GET', url });
    expect(r.statusCode).toBe(404);
    expect(r.headers.allow).toBeUndefined();
    expect(r.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('GET and HEAD on a GET route still answer', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const head = await app.inject({ method: 'HEAD', url: '/healthz' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('methodNotAllowed', () => {
  it('lists every method of the path, routes in plugins and parametric segments included', async () => {
    const bare = Fastify();
    bare.setNotFoundHandler(methodNotAllowed(bare));
    bare.get('/things/:id', () => Promise.resolve('got'));
    await bare.register(
      (p) => {
        p.post('/:id', () => Promise.resolve('posted'));
        p.route({ method: ['PUT', 'DELETE'], url: '/:id', handler: () => Promise.resolve('changed') });
        return Promise.resolve();
      },
      { prefix: '/things' }
    );
    await bare.ready();
    const r = await bare.inject({ method: 'PATCH', url: '/things/42' });
    expect(r.statusCode).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD, DELETE, POST, PUT');
    expect((await bare.inject({ method: 'DELETE', url: '/things/42' })).body).toBe('changed');
    expect((await bare.inject({ method: 'PATCH', url: '/things/42/more' })).statusCode).toBe(404);
    await bare.close();
  });
});
