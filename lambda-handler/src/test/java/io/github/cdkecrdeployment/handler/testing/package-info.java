/**
 * Test harness for everything that talks to a container registry. Public so other modules reuse it
 * through this module's test-jar.
 *
 * <h2>Pieces</h2>
 *
 * <ul>
 *   <li>{@link io.github.cdkecrdeployment.handler.testing.TestCa}: a CA made with {@code openssl}
 *       at test time; server certificate for 127.0.0.1, localhost and extra host names (ECR-shaped
 *       hosts, {@code public.ecr.aws}, …); a PKCS12 trust store for {@code
 *       -Djavax.net.ssl.trustStore} and a cert dir for skopeo. {@code TestCa.shared()} is made once
 *       per JVM.
 *   <li>{@link io.github.cdkecrdeployment.handler.testing.RegistryServer} / {@link
 *       io.github.cdkecrdeployment.handler.testing.RegistryExtension}: Debian's {@code
 *       docker-registry} on 127.0.0.1 with an ephemeral port and TLS; anonymous, htpasswd basic, or
 *       token auth with {@link io.github.cdkecrdeployment.handler.testing.TokenServer} (RS256 JWTs
 *       with {@code kid}/{@code x5c}, per-repository grants). Stopped by PID. Missing binaries fail
 *       with the {@code apt-get install} command.
 *   <li>{@link io.github.cdkecrdeployment.handler.testing.TestImages}: random-layer images (Docker
 *       v2s2 and OCI; indexes with variants, attestation manifests, annotations, artifacts with
 *       {@code subject}), pretty-printed, pushed with the independent {@link
 *       io.github.cdkecrdeployment.handler.testing.RegistryHttp} client.
 *   <li>{@link io.github.cdkecrdeployment.handler.testing.Skopeo}: the oracle ({@code inspect
 *       --raw}, {@code copy}).
 *   <li>{@link io.github.cdkecrdeployment.handler.testing.FaultProxy}: request counting and fault
 *       injection (status, 429 + Retry-After, dropped connections, stalls, truncated bodies).
 *   <li>{@link io.github.cdkecrdeployment.handler.testing.LambdaRuntimeApiServer}: a local Lambda
 *       Runtime API that hands queued events to a runtime (the runtime interface client, or any
 *       binary that polls {@code AWS_LAMBDA_RUNTIME_API}), used by integ-tests and {@code bench/}.
 * </ul>
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * @RegisterExtension static final RegistryExtension SRC = RegistryExtension.token();
 *
 * @Test void copies() throws Exception {
 *   RegistryServer r = SRC.server();
 *   TestImages gen = new TestImages(1);
 *   TestImages.Node img = gen.image(TestImages.Format.OCI, "linux/amd64").layers(1 << 20).build();
 *   gen.push(r.http(), "app", "v1", img);
 *   assertEquals(img.digest(), Skopeo.digest(r, "app:v1"));
 * }
 * }</pre>
 *
 * <p>A JVM under test trusts the CA with {@code TestCa.shared().trustStoreJvmArgs()}; in-process
 * code gets an {@code SSLContext} from {@code clientSslContext()}.
 */
package io.github.cdkecrdeployment.handler.testing;
