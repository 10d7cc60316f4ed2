import { decodeFailure, type DecodeFailure, type PacketBuilder } from './decoded-packet';

/**
 * Decodes one layer at `offset` of `frame` into `pkt` and hands the rest to the next layer
 * through `registry`. Returns null when it (and the layers after it) succeeded. The frame's
 * captured bytes end at `frameEnd` (`frame.length`, or less when the frame lies inside a larger
 * buffer, a capture file's read chunk: `decodeFrameInto`); nothing at or past it is read.
 *
 * Protocol decoders find the IP payload in `pkt.payloadOffset` / `pkt.payloadLength` (set by the
 * IP layer) and narrow them to the transport payload.
 */
export type LayerDecoder = (registry: DecoderRegistry, frame: Buffer, offset: number, pkt: PacketBuilder, frameEnd: number) => DecodeFailure | null;

/** Decoders by link type, by EtherType and by IP protocol: a table, not a switch. */
export class DecoderRegistry {
  private readonly linkTypes = new Map<number, LayerDecoder>();
  private readonly etherTypes = new Map<number, LayerDecoder>();
  private readonly ipProtocols = new Map<number, LayerDecoder>();

  registerLinkType(linkType: number, decoder: LayerDecoder): this {
    this.linkTypes.set(linkType, decoder);
    return this;
  }

  registerEtherType(etherType: number, decoder: LayerDecoder): this {
    this.etherTypes.set(etherType, decoder);
    return this;
  }

  registerIpProtocol(protocol: number, decoder: LayerDecoder): this {
    this.ipProtocols.set(protocol, decoder);
    return this;
  }

  /** The frame in `frame[start, end)` (by default all of it). */
  decodeLink(linkType: number, frame: Buffer, pkt: PacketBuilder, start = 0, end = frame.length): DecodeFailure | null {
    const decoder = this.linkTypes.get(linkType);
    if (decoder === undefined) return decodeFailure('unsupported-link-type', start, `link type ${linkType}`);
    return decoder(this, frame, start, pkt, end);
  }

  /** An EtherType with no decoder (LLDP, ...) is `non-ip`: skipped, not malformed. */
  decodeEtherType(etherType: number, frame: Buffer, offset: number, pkt: PacketBuilder, frameEnd = frame.length): DecodeFailure | null {
    const decoder = this.etherTypes.get(etherType);
    if (decoder === undefined) return decodeFailure('non-ip', offset, `ethertype 0x${etherType.toString(16).padStart(4, '0')}`);
    return decoder(this, frame, offset, pkt, frameEnd);
  }

  /** An IP protocol with no decoder (GRE, ESP, ...) is fine: the packet has ports 0. */
  decodeIpProtocol(protocol: number, frame: Buffer, offset: number, pkt: PacketBuilder, frameEnd = frame.length): DecodeFailure | null {
    const decoder = this.ipProtocols.get(protocol);
    return decoder === undefined ? null : decoder(this, frame, offset, pkt, frameEnd);
  }
}
