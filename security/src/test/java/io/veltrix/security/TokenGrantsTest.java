package io.veltrix.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenGrantsTest {

    private final TokenGrants grants = new TokenGrants(List.of(
            new TokenGrant("admin-token", Optional.of("a-secret"), Set.of(Roles.ADMIN, Roles.ANALYST)),
            new TokenGrant("read-token", Optional.of("r-secret"), Set.of(Roles.ANALYST)),
            new TokenGrant("sdk-key", Optional.of("  "), Set.of(Roles.SDK))));

    @Test
    void aTokenIsTheGrantItMatchesExactly() {
        assertEquals("admin-token", grants.match("a-secret").orElseThrow().name());
        assertEquals(Set.of(Roles.ANALYST), grants.match("r-secret").orElseThrow().roles());
        assertTrue(grants.match("a-secre").isEmpty());
        assertTrue(grants.match("a-secret ").isEmpty());
        assertTrue(grants.match("").isEmpty());
        assertTrue(grants.match(null).isEmpty());
    }

    @Test
    void aBlankConfiguredTokenGrantsNothing() {
        assertTrue(grants.match("  ").isEmpty());
        assertFalse(grants.configures(Roles.SDK));
        assertTrue(grants.configures(Roles.ANALYST));
    }

    @Test
    void onlyTheBearerSchemeIsRead() {
        assertEquals("abc", BearerTokenMechanism.bearer("Bearer abc"));
        assertEquals("abc", BearerTokenMechanism.bearer("bearer   abc  "));
        assertNull(BearerTokenMechanism.bearer("Basic YWJjOg=="));
        assertNull(BearerTokenMechanism.bearer("Bearer"));
        assertNull(BearerTokenMechanism.bearer("Bearer   "));
        assertNull(BearerTokenMechanism.bearer("Bearerabc"));
    }
}
