export type { Store, AggregateQuery, AggregateRow, GroupKey, Percentiles, EventPage, EventPageQuery } from './store.js';
