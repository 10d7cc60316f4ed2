export * from './capture-frame';
export * from './capture-format';
export * from './pcap.error';
export * from './pcap-file.reader';
export * from './pcap-file.writer';
export { PcapClassicParser, PCAP_FILE_HEADER_LENGTH, PCAP_RECORD_HEADER_LENGTH } from './pcap-classic.parser';
export { PcapngParser } from './pcapng.parser';
export type { CaptureParser, CaptureParserOptions } from './capture.parser';
