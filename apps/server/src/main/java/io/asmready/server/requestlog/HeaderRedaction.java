package io.asmready.server.requestlog;

import java.util.Set;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

/**
 * Headers whose values are credentials: the record shows that they were sent, never what they carried.
 */
final class HeaderRedaction {
    static final String REDACTED = "<redacted>";

    // HeaderName equality is case-insensitive, so "AUTHORIZATION" and "authorization" are both caught.
    private static final Set<HeaderName> SECRET = Set.of(HeaderNames.AUTHORIZATION,
                                                         HeaderNames.PROXY_AUTHORIZATION,
                                                         HeaderNames.COOKIE,
                                                         HeaderNames.SET_COOKIE);

    private HeaderRedaction() {
    }

    static boolean isSecret(HeaderName name) {
        return SECRET.contains(name);
    }
}
