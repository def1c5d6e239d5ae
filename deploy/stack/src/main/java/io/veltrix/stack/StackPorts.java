package io.veltrix.stack;

/**
 * The fixed ports of an instance, each overridable by a system property or environment variable:
 * {@code veltrix.<instance>.pulsar.port}, {@code .pulsar.web-port}, {@code .pulsar.bookie-port},
 * {@code .registry.port}, {@code .registry.management-port} (env e.g. {@code VELTRIX_RUN_PULSAR_WEB_PORT}).
 */
record StackPorts(int pulsar, int pulsarWeb, int bookie, int registry, int registryManagement) {

    static StackPorts resolve(Instance instance, Settings settings) {
        return new StackPorts(
                settings.port(key(instance, "pulsar.port"), instance.defaultPulsarPort()),
                settings.port(key(instance, "pulsar.web-port"), instance.defaultPulsarWebPort()),
                settings.port(key(instance, "pulsar.bookie-port"), instance.defaultBookiePort()),
                settings.port(key(instance, "registry.port"), instance.defaultRegistryPort()),
                settings.port(key(instance, "registry.management-port"), instance.defaultRegistryManagementPort()));
    }

    static String key(Instance instance, String name) {
        return instance.settingsPrefix() + name;
    }
}
