package org.edgegateway.web;

import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.TokenScope;

/**
 * Who is calling and what they may do, as {@link ApiGate} admitted them. Immutable.
 *
 * @param session the browser session; null for an API token (a session is always admin)
 */
record Caller(String name, Actor actor, Sessions.Session session, TokenScope scope) {

    /** The request attribute {@link ApiGate} puts the caller in. */
    static final String ATTRIBUTE = Caller.class.getName();
}
