package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The surefire setup sends ECR-shaped registry names to this machine. */
class TestHostsTest {
  @Test
  void ecrShapedHostResolvesToLoopback() throws Exception {
    assertTrue(
        InetAddress.getByName("123456789012.dkr.ecr.us-east-1.amazonaws.com").isLoopbackAddress());
  }
}
