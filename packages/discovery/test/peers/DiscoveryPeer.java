// A Curator x-discovery 5.4 process for the interop tests, driven by lines on stdin:
//   register <name> <id> <port> <map|details|spring|none>   -> registered <id>
//   query <name>        -> instance <json> ... then end
//   provider <name> <n> -> (a started ServiceProvider, once it sees n instances) instance <json> ... pick <id>, end
//   bytes <name> <id>   -> bytes <the node's data>
// <json> shows what Curator decoded: the fields, buildUriSpec(), and the payload's Java class.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import zookit.peer.Details;

public class DiscoveryPeer {
  static final ObjectMapper MAPPER = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String connect = args[0];
    String base = args[1];
    int sessionTimeout = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
    CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(sessionTimeout)
        .connectionTimeoutMs(5000).retryPolicy(new RetryNTimes(100, 100)).build();
    client.start();
    client.blockUntilConnected();
    ServiceDiscovery<Object> sd = ServiceDiscoveryBuilder.builder(Object.class).client(client).basePath(base)
        .serializer(new JsonInstanceSerializer<>(Object.class)).build();
    sd.start();
    System.out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.trim().split(" ");
      try {
        switch (p[0]) {
          case "register": register(sd, p[1], p[2], Integer.parseInt(p[3]), p[4]); break;
          case "query": print(sd.queryForInstances(p[1])); System.out.println("end"); break;
          case "provider": provider(sd, p[1], Integer.parseInt(p[2])); break;
          case "bytes": System.out.println("bytes " + new String(client.getData().forPath(base + "/" + p[1] + "/" + p[2]), StandardCharsets.UTF_8)); break;
          case "exit": System.exit(0); break;
          default: System.out.println("error unknown command " + p[0]);
        }
      } catch (Exception e) {
        System.out.println("error " + e.toString().replace('\n', ' '));
      }
      System.out.flush();
    }
  }

  static void register(ServiceDiscovery<Object> sd, String name, String id, int port, String kind) throws Exception {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("zone", "a");
    Object payload = null;
    if (kind.equals("map")) payload = new LinkedHashMap<>(meta);
    if (kind.equals("details")) payload = new Details("a", 3);
    if (kind.equals("spring")) payload = new ZookeeperInstance(id, name, meta);
    ServiceInstance<Object> instance = ServiceInstance.builder().name(name).id(id).address("127.0.0.1").port(port)
        .payload(payload).uriSpec(new UriSpec("{scheme}://{address}:{port}/x")).build();
    sd.registerService(instance);
    System.out.println("registered " + id);
  }

  static void provider(ServiceDiscovery<Object> sd, String name, int n) throws Exception {
    ServiceProvider<Object> provider = sd.serviceProviderBuilder().serviceName(name).build();
    provider.start();
    long deadline = System.currentTimeMillis() + 15000;
    while (provider.getAllInstances().size() != n && System.currentTimeMillis() < deadline) Thread.sleep(20);
    print(provider.getAllInstances());
    ServiceInstance<Object> pick = provider.getInstance();
    System.out.println("pick " + (pick == null ? "" : pick.getId()));
    System.out.println("end");
    provider.close();
  }

  static void print(Collection<ServiceInstance<Object>> instances) throws Exception {
    for (ServiceInstance<Object> i : instances) {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("name", i.getName());
      o.put("id", i.getId());
      o.put("address", i.getAddress());
      o.put("port", i.getPort());
      o.put("sslPort", i.getSslPort());
      o.put("registrationTimeUTC", i.getRegistrationTimeUTC());
      o.put("serviceType", i.getServiceType().name());
      o.put("enabled", i.isEnabled());
      o.put("uri", i.buildUriSpec());
      Object payload = i.getPayload();
      o.put("payloadClass", payload == null ? null : payload.getClass().getName());
      o.set("payload", MAPPER.valueToTree(payload));
      System.out.println("instance " + MAPPER.writeValueAsString(o));
    }
  }
}
