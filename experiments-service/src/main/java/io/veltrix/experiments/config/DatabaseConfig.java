package io.veltrix.experiments.config;

import io.smallrye.config.ConfigMapping;

/**
 * Where the database is and who the service is there: its own role, owner of the schema {@code experiments}. The
 * login has no default: a service started without {@code VELTRIX_DB_USERNAME} / {@code VELTRIX_DB_PASSWORD} stops at
 * once, naming the missing key, before it tries to connect. The datasource and Flyway take these keys
 * (application.properties).
 */
@ConfigMapping(prefix = "veltrix.db")
public interface DatabaseConfig {

    /** {@code veltrix.db.jdbc-url}: for Flyway. */
    String jdbcUrl();

    /** {@code veltrix.db.reactive-url}: for the service's queries. */
    String reactiveUrl();

    /** {@code veltrix.db.username}: the service's role (set by the stack, or from a Kubernetes Secret). */
    String username();

    /** {@code veltrix.db.password}: its password. */
    String password();

    /** {@code veltrix.db.reader-role}: the other service's role, to which this schema's read contract is granted. */
    String readerRole();
}
