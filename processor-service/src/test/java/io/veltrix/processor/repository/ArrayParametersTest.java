package io.veltrix.processor.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.processor.ProcessorStackTest;
import io.veltrix.testing.RealStackResource;
import jakarta.inject.Inject;
import org.hibernate.query.TypedParameterValue;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

/**
 * Array parameters carry a type resolved once per array class (through the application's own session factory), so
 * that Hibernate does not resolve it again at every bind; every other value is bound as it is. That the statements
 * run with them is what the repositories' tests show; that no exception is made per bind any more, the profile in
 * BENCHMARKS.md ("2026-12-02 03:35–").
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ArrayParametersTest extends ProcessorStackTest {

    @Inject
    Mutiny.SessionFactory factory;

    @Test
    void anArrayIsBoundWithItsTypeResolvedOnce() {
        String[] players = {"p-1", "p-2"};
        TypedParameterValue<?> first = assertInstanceOf(TypedParameterValue.class, ArrayParameters.typed(factory, players));
        assertSame(players, first.value());
        assertEquals(String[].class, first.type().getJavaType());

        TypedParameterValue<?> again = assertInstanceOf(TypedParameterValue.class,
                ArrayParameters.typed(factory, new String[] {"p-3"}));
        assertSame(first.type(), again.type(), "resolved once per array class");

        TypedParameterValue<?> times = assertInstanceOf(TypedParameterValue.class,
                ArrayParameters.typed(factory, new Long[] {1L}));
        assertEquals(Long[].class, times.type().getJavaType());
        assertNotSame(first.type(), times.type());
    }

    @Test
    void anythingElseIsBoundAsItIs() {
        Long cutoff = 42L;
        assertSame(cutoff, ArrayParameters.typed(factory, cutoff));
        assertSame("text", ArrayParameters.typed(factory, "text"));
        assertNull(ArrayParameters.typed(factory, null));
    }
}
