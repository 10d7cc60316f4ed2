export * from './aho-corasick.matcher';
export * from './tcp-stream.reassembler';
export * from './tcp-connection.table';
export * from './uri-normalizer';
export * from './http-request.parser';
export * from './threshold.tracker';
export * from './flowbits.store';
