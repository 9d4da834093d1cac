package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * An address refused at the handshake, without a key look-up, until {@code until}.
 *
 * @param address   the peer IP address as the transport reports it
 * @param reason    why: repeated authentication failures or too many handshakes
 * @param refusals  handshakes refused since the ban began
 */
public record BanView(String address, String reason, Instant since, Instant until, long refusals) {
}
