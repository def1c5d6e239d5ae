package io.veltrix.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminImpliesAnalystTest {

    /** Groups of the team's identity provider, as README "Signing in with your identity provider" maps them. */
    private final AdminImpliesAnalyst augmentor = new AdminImpliesAnalyst(Map.of(
            "live-ops-leads", List.of(Roles.ADMIN),
            "marketing", List.of(Roles.ANALYST),
            "game-clients", List.of(Roles.SDK)));

    @Test
    void anAdminAlsoReads() {
        assertEquals(Set.of(Roles.ADMIN, Roles.ANALYST), rolesAfter(Roles.ADMIN));
    }

    @Test
    void aGroupMappedToAdminAloneAlsoReads() {
        // the mapping itself (live-ops-leads -> admin) is applied by Quarkus after the augmentors
        assertEquals(Set.of("live-ops-leads", Roles.ANALYST), rolesAfter("live-ops-leads"));
    }

    @Test
    void nobodyElseGainsARole() {
        assertEquals(Set.of(Roles.SDK), rolesAfter(Roles.SDK));
        assertEquals(Set.of("game-clients"), rolesAfter("game-clients"));
        assertEquals(Set.of(Roles.ANALYST), rolesAfter(Roles.ANALYST));
        assertEquals(Set.of("marketing"), rolesAfter("marketing"));
        assertEquals(Set.of("finance"), rolesAfter("finance"));
        assertEquals(Set.of(), rolesAfter());
    }

    @Test
    void anAnonymousCallerStaysAnonymous() {
        SecurityIdentity anonymous = QuarkusSecurityIdentity.builder().setAnonymous(true).build();
        assertEquals(anonymous, augmentor.augment(anonymous, null).await().indefinitely());
    }

    private Set<String> rolesAfter(String... roles) {
        SecurityIdentity identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("someone"))
                .addRoles(Set.of(roles)).build();
        return augmentor.augment(identity, null).await().indefinitely().getRoles();
    }
}
