package io.github.cdkecrdeployment.handler.auth;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private Amazon ECR registry host, recognised from its name: {@code
 * <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]} and the dual-stack {@code
 * <account>.dkr-ecr[-fips].<region>.on.aws} / {@code .on.amazonwebservices.com.cn}, with any port.
 * See https://docs.aws.amazon.com/general/latest/gr/ecr.html.
 *
 * @param account the 12-digit registry id
 * @param region the region whose ECR API issues its tokens
 * @param fips true for the FIPS endpoint forms
 */
public record EcrHost(String account, String region, boolean fips) {
  private static final Pattern CLASSIC =
      Pattern.compile(
          "(\\d{12})\\.dkr\\.ecr(-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?(:\\d+)?");
  private static final Pattern DUAL_STACK =
      Pattern.compile(
          "(\\d{12})\\.dkr-ecr(-fips)?\\.([a-z0-9-]+)\\.on\\.(aws|amazonwebservices\\.com\\.cn)"
              + "(:\\d+)?");

  /** The ECR registry for {@code registry} (host[:port]), or null when it is not one. */
  public static EcrHost parse(String registry) {
    String h = registry.toLowerCase(Locale.ROOT);
    for (Pattern p : new Pattern[] {CLASSIC, DUAL_STACK}) {
      Matcher m = p.matcher(h);
      if (m.matches()) {
        return new EcrHost(m.group(1), m.group(3), m.group(2) != null);
      }
    }
    return null;
  }

  /** True for ECR Public's registry host. */
  public static boolean isEcrPublic(String registry) {
    String h = registry.toLowerCase(Locale.ROOT);
    return h.equals("public.ecr.aws") || h.startsWith("public.ecr.aws:");
  }
}
