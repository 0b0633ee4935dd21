import { MongoClient } from 'mongodb';
import { startFerretDb, type RunningFerretDb } from './ferretdb';

describe('FerretDB harness', () => {
  let ferret: RunningFerretDb;
  beforeAll(async () => {
    ferret = await startFerretDb();
  }, 60000);
  afterAll(async () => {
    await ferret?.close();
  });

  it('answers on loopback and keeps data across stop and start on the same port', async () => {
    expect(ferret.url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const client = new MongoClient(ferret.url, { serverSelectionTimeoutMS: 2000 });
    try {
      await client.connect();
      await client
        .db('harness')
        .collection('c')
        .insertOne({ _id: 'a' as never, n: 1 });
    } finally {
      await client.close();
    }

    await ferret.stop();
    expect(ferret.running()).toBe(false);
    const down = new MongoClient(ferret.url, { serverSelectionTimeoutMS: 300 });
    await expect(down.connect()).rejects.toThrow();
    await down.close();

    await ferret.start();
    expect(ferret.running()).toBe(true);
    const again = new MongoClient(ferret.url, { serverSelectionTimeoutMS: 2000 });
    try {
      await again.connect();
      const doc = await again
        .db('harness')
        .collection('c')
        .findOne({ _id: 'a' as never });
      expect(doc?.n).toBe(1);
    } finally {
      await again.close();
    }
  }, 60000);
});
