package io.veltrix.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Whoever may change things may read them: an identity with the role {@code admin} also has {@code analyst}, however
 * it signed in (a platform token, or a group of the team's identity provider mapped to {@code admin} alone). Nothing
 * else is implied: the SDK key's role {@code sdk} gains nothing.
 *
 * <p>Quarkus applies {@code quarkus.http.auth.roles-mapping} after the augmentors (in its HTTP authenticator), so
 * a group mapped to {@code admin} is not yet {@code admin} here: the roles the mapping will add are looked up in the
 * same configuration and counted as the identity's own.
 */
@Singleton
public class AdminImpliesAnalyst implements SecurityIdentityAugmentor {

    private final Map<String, List<String>> rolesMapping;

    public AdminImpliesAnalyst() {
        this(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(VertxHttpConfig.class).auth()
                .rolesMapping());
    }

    AdminImpliesAnalyst(Map<String, List<String>> rolesMapping) {
        this.rolesMapping = Map.copyOf(rolesMapping);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !impliesAnalyst(identity.getRoles())) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRole(Roles.ANALYST).build());
    }

    /** Whether these roles (before the configured mapping) make an admin who is not yet an analyst. */
    boolean impliesAnalyst(Set<String> roles) {
        boolean admin = false;
        for (String role : roles) {
            List<String> mapped = rolesMapping.getOrDefault(role, List.of());
            if (role.equals(Roles.ANALYST) || mapped.contains(Roles.ANALYST)) {
                return false;
            }
            admin |= role.equals(Roles.ADMIN) || mapped.contains(Roles.ADMIN);
        }
        return admin;
    }
}
