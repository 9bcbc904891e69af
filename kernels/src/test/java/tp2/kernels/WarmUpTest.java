package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tp2.kernels.TestBackends.create;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The warm-up calls every kernel of the interface (a kernel added later must be added to it) and passes every check. */
class WarmUpTest {

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void callsEveryKernel(Backend backend) {
        Kernels real = create(backend);
        Set<String> called = new TreeSet<>();
        Kernels recording = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    called.add(method.getName());
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WarmUp.run(recording, 2);
        Set<String> kernels = Arrays.stream(Kernels.class.getMethods()).map(Method::getName)
                .filter(name -> !name.equals("name")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(kernels, called, backend.cliName());
    }
}
