package org.edgegateway.keys;

/** The audit actions the key store writes itself; callers may write others with {@link AuditLog#append}. */
public final class AuditActions {

    public static final String CLIENT_ENROL = "client.enrol";
    public static final String CLIENT_REVOKE = "client.revoke";
    public static final String CLIENT_QUARANTINE = "client.quarantine";
    public static final String CLIENT_RELEASE = "client.release";
    public static final String CLIENT_LIMITS = "client.limits";
    public static final String CLIENT_APPROVE = "client.approve";
    public static final String CLIENT_REJECT = "client.reject";
    public static final String CLAIM_CREATE = "claim.create";
    public static final String CLAIM_REVOKE = "claim.revoke";
    public static final String CLAIM_ENROL = "claim.enrol";
    public static final String CLAIM_REFUSED = "claim.refused";
    public static final String WORKER_ENROL = "worker.enrol";
    public static final String WORKER_REVOKE = "worker.revoke";
    public static final String ADMIN_CREATE = "admin.create";
    public static final String ADMIN_PASSWORD = "admin.password";
    public static final String ADMIN_RESET = "admin.reset";
    public static final String ADMIN_ROLE = "admin.role";
    public static final String ADMIN_DISABLE = "admin.disable";
    public static final String ADMIN_ENABLE = "admin.enable";
    public static final String ADMIN_LOGIN = "admin.login";
    public static final String TOKEN_CREATE = "token.create";
    public static final String TOKEN_REVOKE = "token.revoke";

    private AuditActions() {
    }
}
