package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every public static method and constant of the original two classes exists here with the same
 * name, parameter types, return type and value, so that JeroMQ's compiled calls link to ours.
 */
class ApiSurfaceTest {

    private static OriginalJnacl jnacl;

    @BeforeAll
    static void load() throws ReflectiveOperationException {
        jnacl = new OriginalJnacl();
    }

    @AfterAll
    static void close() throws java.io.IOException {
        jnacl.close();
    }

    @Test
    void boxClassOffersEverythingTheOriginalOffers() throws Exception {
        assertSameSurface(jnacl.boxClass(), com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305.class);
    }

    @Test
    void secretboxClassOffersEverythingTheOriginalOffers() throws Exception {
        assertSameSurface(jnacl.secretboxClass(), com.neilalexander.jnacl.crypto.xsalsa20poly1305.class);
    }

    private static void assertSameSurface(Class<?> original, Class<?> ours) throws Exception {
        assertThat(ours.getName()).isEqualTo(original.getName());
        int methods = 0;
        for (Method m : original.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method mine = ours.getMethod(m.getName(), m.getParameterTypes());
            assertThat(Modifier.isStatic(mine.getModifiers())).as(m.toString()).isTrue();
            assertThat(mine.getReturnType()).as(m.toString()).isEqualTo(m.getReturnType());
            methods++;
        }
        for (Field f : original.getDeclaredFields()) {
            if (!Modifier.isPublic(f.getModifiers()) || !Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Field mine = ours.getField(f.getName());
            assertThat(mine.getType()).as(f.toString()).isEqualTo(f.getType());
            assertThat(mine.get(null)).as(f.toString()).isEqualTo(f.get(null));
        }
        assertThat(methods).as("public static methods of " + original.getName()).isPositive();
        assertThat(ours.getConstructor()).isNotNull();
    }
}
