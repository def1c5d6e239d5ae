package io.veltrix.stack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Pulsar tokens of one broker: JSON Web Tokens signed (HS256) with the broker's secret key, as Pulsar's
 * {@code AuthenticationProviderToken} checks them and as {@code pulsar tokens create --secret-key ...} would make them
 * (subject = role, no expiry). A token is a function of the key and the role, so the stack derives them at every start
 * and keeps only the key: a new key (rotation) makes every old token invalid at the next start.
 *
 * @param admin     role {@value #ADMIN_ROLE}, the broker's only superuser: the setup step (tenant, namespace, topics,
 *                  grants) and the operator's tools (tests that read any topic, the benchmark)
 * @param ingest    role {@value #INGEST_ROLE}: produces to events.raw, events.rejected and events.replays and reads the
 *                  latter two (rejected-events summary, replay)
 * @param processor role {@value #PROCESSOR_ROLE}: consumes events.raw (its subscriptions only), produces events.rejected
 *                  and events.raw-DLQ, and re-drives dead letters (consumes events.raw-DLQ, produces events.raw)
 */
public record PulsarTokens(String admin, String ingest, String processor) {
    public static final String ADMIN_ROLE = "veltrix-admin";
    public static final String INGEST_ROLE = "veltrix-ingest";
    public static final String PROCESSOR_ROLE = "veltrix-processor";
    /** Pulsar's HMAC-SHA256 keys must have at least 256 bits (jjwt refuses weaker ones). */
    public static final int SECRET_KEY_BYTES = 32;

    /** The three roles' tokens for a secret key. */
    public static PulsarTokens issue(byte[] secretKey) {
        return new PulsarTokens(sign(secretKey, ADMIN_ROLE), sign(secretKey, INGEST_ROLE), sign(secretKey, PROCESSOR_ROLE));
    }

    /** A token for a role (its {@code sub} claim), signed with the secret key. */
    public static String sign(byte[] secretKey, String role) {
        if (secretKey.length < SECRET_KEY_BYTES) {
            throw new IllegalArgumentException("a Pulsar token secret key needs at least " + SECRET_KEY_BYTES + " bytes");
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + role + "\"}").getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey, "HmacSHA256"));
            return unsigned + "." + b64.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "PulsarTokens[admin, ingest, processor: not shown]";
    }
}
