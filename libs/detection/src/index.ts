export * from './aho-corasick.matcher';
