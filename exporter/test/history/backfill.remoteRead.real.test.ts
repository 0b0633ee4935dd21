/**
 * The backfill suite with history.remoteRead on: the raw counters of the synthetic fleet (reboots, a gap, births and
 * deaths, hostile label values) read from a real Prometheus by remote read and decoded here, stored numbers checked
 * against the hand-computed truth as on the range-query path.
 */
import { backfillSuite } from './backfillSuite';

backfillSuite('Prometheus', { remoteRead: true, sameKeys: (after, before) => expect(after).toEqual(before) });
