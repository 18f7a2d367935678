// Interop peer for the shared-state recipes: Curator 5.4 SharedCount, DistributedAtomicLong
// and GroupMember on one path, driven line by line on stdin; every answer is one line.
// usage: java CuratorSharedPeer <hosts> <path> <count|long|member> [<seed>|<memberId> <data>]
//   count:  get -> COUNT <n> <version>; incr -> INCR <n>; snap -> SNAP <n> <version>;
//           tryset <n> (with the snapped version) -> TRYSET <true|false>; changes print CHANGED <n>
//   long:   add <n> -> ADDED <succeeded> <postValue>; get -> LONG <n>
//   member: members -> MEMBERS <id>=<data>,... (sorted)
//   every mode: quit -> closes the recipe, prints BYE and exits
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.SharedCountListener;
import org.apache.curator.framework.recipes.shared.SharedCountReader;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;

public class CuratorSharedPeer {
  static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    String hosts = args[0], path = args[1], mode = args[2];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    CuratorFramework client = CuratorFrameworkFactory.newClient(hosts, 4000, 4000, new ExponentialBackoffRetry(100, 3));
    client.start();
    client.blockUntilConnected();
    SharedCount count = null;
    DistributedAtomicLong along = null;
    GroupMember member = null;
    if (mode.equals("count")) {
      count = new SharedCount(client, path, Integer.parseInt(args[3]));
      count.addListener(new SharedCountListener() {
        @Override public void countHasChanged(SharedCountReader r, int n) { say("CHANGED " + n); }
        @Override public void stateChanged(CuratorFramework c, ConnectionState s) {}
      });
      count.start();
    } else if (mode.equals("long")) {
      along = new DistributedAtomicLong(client, path, new ExponentialBackoffRetry(10, 10));
    } else {
      member = new GroupMember(client, path, args[3], args[4].getBytes(StandardCharsets.UTF_8));
      member.start();
    }
    say("STARTED");
    VersionedValue<Integer> snapped = null;
    for (String line; (line = in.readLine()) != null;) {
      String[] cmd = line.trim().split(" ");
      if (cmd[0].equals("quit")) break;
      if (cmd[0].equals("get") && count != null) {
        VersionedValue<Integer> v = count.getVersionedValue();
        say("COUNT " + v.getValue() + " " + v.getVersion());
      } else if (cmd[0].equals("snap")) {
        snapped = count.getVersionedValue();
        say("SNAP " + snapped.getValue() + " " + snapped.getVersion());
      } else if (cmd[0].equals("tryset")) {
        say("TRYSET " + count.trySetCount(snapped, Integer.parseInt(cmd[1])));
      } else if (cmd[0].equals("incr")) {
        for (;;) {
          VersionedValue<Integer> v = count.getVersionedValue();
          if (count.trySetCount(v, v.getValue() + 1)) { say("INCR " + (v.getValue() + 1)); break; }
        }
      } else if (cmd[0].equals("add")) {
        AtomicValue<Long> r = along.add(Long.parseLong(cmd[1]));
        say("ADDED " + r.succeeded() + " " + r.postValue());
      } else if (cmd[0].equals("get") && along != null) {
        say("LONG " + along.get().postValue());
      } else if (cmd[0].equals("members")) {
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : member.getCurrentMembers().entrySet()) sorted.put(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8));
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : sorted.entrySet()) b.append(b.length() > 0 ? "," : "").append(e.getKey()).append("=").append(e.getValue());
        say("MEMBERS " + b);
      } else say("UNKNOWN " + line);
    }
    if (count != null) count.close();
    if (member != null) member.close();
    client.close();
    say("BYE");
  }
}
