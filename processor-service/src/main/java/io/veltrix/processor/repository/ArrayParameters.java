package io.veltrix.processor.repository;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.query.TypedParameterValue;
import org.hibernate.query.spi.QueryParameterBindingTypeResolver;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.type.BindableType;

/**
 * The statements' array parameters, bound with their type resolved once per array class. Hibernate ORM (7.2.14)
 * resolves an array parameter's type again at every bind, and at run time it creates and throws away an exception
 * each time (its ad-hoc type registration asks for the boot context, which is gone): 2.2 % of the processor's CPU in
 * the benchmark's drain, about twenty exceptions per batch (async-profiler, BENCHMARKS.md "2026-12-02 03:35–").
 * A value bound as a {@link TypedParameterValue} skips that resolution.
 */
final class ArrayParameters {

    private record Types(Mutiny.SessionFactory factory, Map<Class<?>, BindableType<?>> byClass) {
    }

    /** The types resolved through the current session factory (a new factory, e.g. a restarted application, starts afresh). */
    private static volatile Types types = new Types(null, new ConcurrentHashMap<>());

    private ArrayParameters() {
    }

    /** An array value with its type resolved once; anything else as it is. */
    static Object typed(Mutiny.SessionFactory factory, Object value) {
        if (value == null || !value.getClass().isArray()
                || !(factory.getMetamodel() instanceof QueryParameterBindingTypeResolver resolver)) {
            return value;
        }
        Types current = types;
        if (current.factory() != factory) {
            current = new Types(factory, new ConcurrentHashMap<>());
            types = current;
        }
        BindableType<?> type = current.byClass().computeIfAbsent(value.getClass(), resolver::resolveParameterBindType);
        return typedValue(type, value);
    }

    @SuppressWarnings("unchecked")
    private static <T> TypedParameterValue<T> typedValue(BindableType<?> type, Object value) {
        return new TypedParameterValue<>((BindableType<T>) type, (T) value);
    }
}
