package org.edgegateway.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the admin web server, validated on construction: a bad value stops start-up with a
 * message naming the setting.
 *
 * @param bindAddress          address to listen on, {@code 127.0.0.1} by default
 * @param port                 TCP port, {@code 8443} by default; {@code 0} picks a free port (tests)
 * @param tls                  HTTPS (the default); plain HTTP only when an admin sets it to false
 * @param pkcs12Path           an admin-supplied PKCS12 key store with the server certificate, or null
 *                             to use the self-signed certificate generated under {@code keysDir}
 * @param pkcs12Password       the password of {@code pkcs12Path}, or null when that is null
 * @param keysDir              where the self-signed certificate is generated on first start (HOME/keys)
 * @param initialPasswordFile  where the first admin password is written once (HOME/admin-password.txt)
 * @param sessionIdleTimeout   a session ends after this long without the admin's activity (the UI's
 *                             background polling does not count)
 * @param sessionLifetime      a session ends this long after login, however active
 * @param loginMaxFailures     failed logins allowed per source address and per user name within
 *                             {@code loginWindow} before further attempts are refused
 * @param loginWindow          the sliding window of {@code loginMaxFailures}
 * @param metricsOpen          whether /metrics answers without an API token
 */
public record WebConfig(String bindAddress, int port, boolean tls, Path pkcs12Path, String pkcs12Password,
                        Path keysDir, Path initialPasswordFile, Duration sessionIdleTimeout,
                        Duration sessionLifetime, int loginMaxFailures, Duration loginWindow, boolean metricsOpen) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8443;
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(8);
    public static final int DEFAULT_LOGIN_MAX_FAILURES = 5;
    public static final Duration DEFAULT_LOGIN_WINDOW = Duration.ofMinutes(15);

    public WebConfig {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("admin.bind is required");
        }
        bindAddress = bindAddress.strip();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("admin.port " + port + " is not in 0..65535");
        }
        if ((pkcs12Path == null) != (pkcs12Password == null)) {
            throw new IllegalArgumentException(
                    "admin.pkcs12 and admin.pkcs12.password must be given together");
        }
        if (pkcs12Path != null && !tls) {
            throw new IllegalArgumentException("admin.pkcs12 " + pkcs12Path + " is set but admin.tls is false");
        }
        Objects.requireNonNull(keysDir, "keysDir (HOME/keys) is required");
        Objects.requireNonNull(initialPasswordFile, "initialPasswordFile is required");
        if (sessionIdleTimeout == null || sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
            throw new IllegalArgumentException("admin.session-idle " + sessionIdleTimeout + " must be positive");
        }
        if (sessionLifetime == null || sessionLifetime.isNegative() || sessionLifetime.isZero()) {
            throw new IllegalArgumentException("admin.session-lifetime " + sessionLifetime + " must be positive");
        }
        if (loginMaxFailures < 1) {
            throw new IllegalArgumentException("admin.login.max-failures " + loginMaxFailures + " must be >= 1");
        }
        if (loginWindow == null || loginWindow.isNegative() || loginWindow.isZero()) {
            throw new IllegalArgumentException("admin.login.window " + loginWindow + " must be positive");
        }
    }

    /** The defaults for a gateway home directory: HTTPS on 127.0.0.1:8443 with a self-signed certificate. */
    public static WebConfig defaults(Path home) {
        return new WebConfig(DEFAULT_BIND, DEFAULT_PORT, true, null, null, home.resolve("keys"),
                home.resolve("admin-password.txt"), DEFAULT_SESSION_IDLE, DEFAULT_SESSION_LIFETIME, DEFAULT_LOGIN_MAX_FAILURES,
                DEFAULT_LOGIN_WINDOW, false);
    }

    public WebConfig withPort(int newPort) {
        return new WebConfig(bindAddress, newPort, tls, pkcs12Path, pkcs12Password, keysDir,
                initialPasswordFile, sessionIdleTimeout, sessionLifetime, loginMaxFailures, loginWindow, metricsOpen);
    }

    public WebConfig withTls(boolean newTls) {
        return new WebConfig(bindAddress, port, newTls, pkcs12Path, pkcs12Password, keysDir,
                initialPasswordFile, sessionIdleTimeout, sessionLifetime, loginMaxFailures, loginWindow, metricsOpen);
    }

    public WebConfig withLoginThrottle(int maxFailures, Duration window) {
        return new WebConfig(bindAddress, port, tls, pkcs12Path, pkcs12Password, keysDir,
                initialPasswordFile, sessionIdleTimeout, sessionLifetime, maxFailures, window, metricsOpen);
    }

    public WebConfig withSessionIdleTimeout(Duration idle) {
        return new WebConfig(bindAddress, port, tls, pkcs12Path, pkcs12Password, keysDir,
                initialPasswordFile, idle, sessionLifetime, loginMaxFailures, loginWindow, metricsOpen);
    }

    public WebConfig withSessionLifetime(Duration lifetime) {
        return new WebConfig(bindAddress, port, tls, pkcs12Path, pkcs12Password, keysDir,
                initialPasswordFile, sessionIdleTimeout, lifetime, loginMaxFailures, loginWindow, metricsOpen);
    }

    public WebConfig withMetricsOpen(boolean open) {
        return new WebConfig(bindAddress, port, tls, pkcs12Path, pkcs12Password, keysDir,
                initialPasswordFile, sessionIdleTimeout, sessionLifetime, loginMaxFailures, loginWindow, open);
    }

    public WebConfig withPkcs12(Path path, String password) {
        return new WebConfig(bindAddress, port, tls, path, password, keysDir,
                initialPasswordFile, sessionIdleTimeout, sessionLifetime, loginMaxFailures, loginWindow, metricsOpen);
    }

    /** Never shows the PKCS12 password. */
    @Override
    public String toString() {
        return "WebConfig[bind=" + bindAddress + ", port=" + port + ", tls=" + tls + ", pkcs12=" + pkcs12Path
                + ", keysDir=" + keysDir + ", initialPasswordFile=" + initialPasswordFile
                + ", sessionIdleTimeout=" + sessionIdleTimeout + ", sessionLifetime=" + sessionLifetime
                + ", loginMaxFailures=" + loginMaxFailures
                + ", loginWindow=" + loginWindow + ", metricsOpen=" + metricsOpen + "]";
    }
}
