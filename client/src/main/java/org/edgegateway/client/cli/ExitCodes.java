package org.edgegateway.client.cli;

/** The exit codes of {@code edge-gateway-client}; stable, documented in the usage text and README. */
final class ExitCodes {
    /** The gateway answered ACK (or PONG), or the command ran to its end. */
    static final int OK = 0;
    /** The gateway answered ERROR. */
    static final int ERROR_REPLY = 1;
    /** Bad command line, or a bundle folder or file that is missing or malformed. */
    static final int USAGE = 2;
    /** The gateway could not be reached, refused the key, the handshake failed, or no reply came in time. */
    static final int UNREACHABLE = 3;

    static final String[] DESCRIPTION = {
        "  0  ACK (ping: PONG; listen and bench: ran to the end)",
        "  1  the gateway answered ERROR",
        "  2  bad options, or a missing or malformed bundle folder or file",
        "  3  gateway unreachable, CURVE handshake failed (wrong server key,",
        "     key not enrolled), or no reply within --timeout",
    };

    private ExitCodes() {
    }
}
