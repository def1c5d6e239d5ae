package io.veltrix.testing;

import io.veltrix.stack.StackInfo;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Pulsar clients for tests. The broker of every stack checks tokens and grants: a test that reads any topic, injects
 * messages or looks at admin stats plays the operator and uses the superuser's token ({@link #operator}); a test of
 * what a service may do uses that service's token ({@link #as}).
 */
public final class PulsarClients {
    private PulsarClients() {
    }

    /** A client of the stack's broker as the superuser. */
    public static PulsarClient operator(StackInfo stack) {
        return as(stack, stack.pulsarTokens().admin());
    }

    /** A client of the stack's broker with this token (null: none). */
    public static PulsarClient as(StackInfo stack, String token) {
        try {
            var builder = PulsarClient.builder().serviceUrl(stack.pulsarServiceUrl());
            return (token == null ? builder : builder.authentication(AuthenticationFactory.token(token))).build();
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot connect to Pulsar at " + stack.pulsarServiceUrl(), e);
        }
    }
}
