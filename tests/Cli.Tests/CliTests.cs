using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using RingIpc.Tests;
using Xunit;

namespace RingIpc.Cli.Tests;

/// <summary><c>ringipc</c> against real rings: live ones with endpoints in this process, stale ones whose creator was a
/// real process that has exited, corrupt files, missing names, and a claim a live process holds at the head.</summary>
[Collection(nameof(ProcessHeavy))]
public class CliTests
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public void Ls_shows_each_ring_as_live_stale_or_corrupt_and_only_those_under_the_prefix()
    {
        string prefix = $"cli-ls-{Guid.NewGuid():N}-";
        using var liveName = TempName.Exactly(prefix + "live");
        using var staleName = TempName.Exactly(prefix + "stale");
        using var corruptName = TempName.Exactly(prefix + "corrupt");
        using var ring = SharedRing.Create(liveName.Name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 8192 });
        using var producer = ring.CreateProducer();
        Assert.True(producer.TryWrite(new byte[100]));
        CreateStale(staleName.Name);
        corruptName.WriteFile(new byte[9000]);

        CliRun run = CliRun.Of("ls", "--prefix", prefix, "--json");

        Assert.Equal(0, run.ExitCode);
        JsonElement[] rings = run.Json.EnumerateArray().ToArray();
        Assert.Equal(new[] { "corrupt", "live", "stale" }, rings.Select(r => r.GetProperty("name").GetString()!.Substring(prefix.Length)));
        JsonElement corrupt = rings[0], liveRing = rings[1], stale = rings[2];
        Assert.Equal("corrupt", corrupt.GetProperty("state").GetString());
        Assert.Contains("not a valid ring", corrupt.GetProperty("error").GetString());
        Assert.Equal(("live", "mpsc", 8192, 1, 1, 1, true), (liveRing.GetProperty("state").GetString(), liveRing.GetProperty("kind").GetString(),
            liveRing.GetProperty("capacity").GetInt32(), liveRing.GetProperty("unreadMessages").GetInt32(), liveRing.GetProperty("producers").GetInt32(),
            liveRing.GetProperty("producersAlive").GetInt32(), liveRing.GetProperty("creatorAlive").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, liveRing.GetProperty("consumerAlive").ValueKind);
        Assert.Equal(("stale", false), (stale.GetProperty("state").GetString(), stale.GetProperty("creatorAlive").GetBoolean()));

        CliRun table = CliRun.Of("ls", "--prefix", prefix);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("3 ring(s)", table.Output);
        Assert.Contains(table.Output.Split('\n'), line => line.Contains(prefix + "stale") && line.Contains("stale") && line.Contains("dead"));
    }

    [Fact]
    public void Stat_reports_fill_endpoints_and_counters_as_json_and_as_tables()
    {
        using var name = TempName.Exactly($"cli-stat-{Guid.NewGuid():N}");
        using var ring = SharedRing.Create(name.Name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer();
        Assert.True(producer.TryWrite(new byte[10]));
        Assert.Equal(1, consumer.Read(static (_, _) => { })); // it drained the ring: its 24 bytes are held back
        for (int i = 1; i < 3; i++)
        {
            Assert.True(producer.TryWrite(new byte[10 + i]));
        }

        CliRun run = CliRun.Of("stat", name.Name, "--json");

        Assert.Equal(0, run.ExitCode);
        JsonElement json = run.Json;
        Assert.Equal((name.Name, "spsc", 4096, 2, false), (json.GetProperty("name").GetString(), json.GetProperty("kind").GetString(),
            json.GetProperty("capacity").GetInt32(), json.GetProperty("unreadMessages").GetInt32(), json.GetProperty("stale").GetBoolean()));
        Assert.Equal(OperatingSystem.IsLinux(), json.GetProperty("fenceMode").GetBoolean()); // its consumer is attached (Linux: membarrier)
        Assert.Equal((24L, 0L, 72L), (json.GetProperty("head").GetInt64(), json.GetProperty("releasedPosition").GetInt64(), json.GetProperty("tail").GetInt64()));
        JsonElement writer = json.GetProperty("producers").EnumerateArray().Single();
        Assert.Equal((Environment.ProcessId, true, 3L, 33L), (writer.GetProperty("pid").GetInt32(), writer.GetProperty("alive").GetBoolean(),
            writer.GetProperty("counters").GetProperty("messages").GetInt64(), writer.GetProperty("counters").GetProperty("bytes").GetInt64()));
        JsonElement reader = json.GetProperty("consumer");
        Assert.Equal(("consumer", 1L, 10L), (reader.GetProperty("role").GetString(), reader.GetProperty("counters").GetProperty("messages").GetInt64(),
            reader.GetProperty("counters").GetProperty("bytes").GetInt64()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("headBlockedBy").ValueKind);

        CliRun table = CliRun.Of("stat", name.Name);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("2 unread message(s)", table.Output);
        Assert.Contains("head 24 (space released up to 0), tail 72", table.Output);
        Assert.Contains("not blocked", table.Output);
        Assert.Contains(table.Output.Split('\n'), line => line.Contains("producer") && line.Contains($"{Environment.ProcessId}") && line.Contains("alive"));
    }

    [Fact]
    public void Stat_names_the_live_process_whose_claim_blocks_the_head_and_for_how_long()
    {
        using var name = TempName.Exactly($"cli-blocked-{Guid.NewGuid():N}");
        using var ring = SharedRing.Create(name.Name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using var consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(spinCount: 0));
        using var holder = PeerProcess.Start("claim-and-hold", name.Name, "120");
        holder.WaitForOutput("claimed", PeerTimeout);
        Assert.False(consumer.WaitForData(TimeSpan.FromMilliseconds(300))); // the consumer finds the head blocked and stamps it
        Thread.Sleep(200);

        CliRun run = CliRun.Of("stat", name.Name, "--json");

        JsonElement block = run.Json.GetProperty("headBlockedBy");
        Assert.Equal((holder.Id, true), (block.GetProperty("pid").GetInt32(), block.GetProperty("alive").GetBoolean()));
        Assert.True(block.GetProperty("blockedForSeconds").GetDouble() >= 0.2, run.Output);
        CliRun table = CliRun.Of("stat", name.Name);
        Assert.Contains($"BLOCKED for at least", table.Output);
        Assert.Contains($"pid {holder.Id}", table.Output);
    }

    [Fact]
    public void A_missing_ring_a_corrupt_one_and_bad_arguments_are_clear_errors_with_their_exit_codes()
    {
        using var corrupt = TempName.Exactly($"cli-corrupt-{Guid.NewGuid():N}");
        corrupt.WriteFile(new byte[8192 + 4096]); // the right size, never initialized

        CliRun missing = CliRun.Of("stat", "cli-no-such-ring");
        Assert.Equal((2, ""), (missing.ExitCode, missing.Output));
        Assert.Equal("ringipc: ring 'cli-no-such-ring': not found", missing.Error.Trim());

        CliRun bad = CliRun.Of("stat", corrupt.Name, "--json");
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("not a valid ring", bad.Error);
        Assert.Contains("init state", bad.Error); // all zeroes: never initialized
        Assert.DoesNotContain("   at ", bad.Error); // no stack trace

        Assert.Equal(2, CliRun.Of("rm", "cli-no-such-ring").ExitCode);
        Assert.Equal(1, CliRun.Of("stat", "not a valid name!").ExitCode);
        Assert.NotEqual(0, CliRun.Of("stat").ExitCode);
        Assert.NotEqual(0, CliRun.Of("watch", "x", "--interval", "1").ExitCode);
        Assert.NotEqual(0, CliRun.Of("frobnicate").ExitCode);
    }

    [Fact]
    public void Gc_reclaims_stale_rings_keeps_live_ones_and_unread_messages_unless_forced_and_says_why()
    {
        string prefix = $"cli-gc-{Guid.NewGuid():N}-";
        using var liveName = TempName.Exactly(prefix + "live");
        using var staleName = TempName.Exactly(prefix + "stale");
        using var unreadName = TempName.Exactly(prefix + "unread");
        using var live = SharedRing.Create(liveName.Name, new RingOptions { Capacity = 4096 });
        CreateStale(staleName.Name);
        CreateStale(unreadName.Name);
        using (var writer = PeerProcess.Start("produce", unreadName.Name, "0", "5", "30"))
        {
            writer.WaitForSuccess(PeerTimeout);
        }

        CliRun run = CliRun.Of("gc", "--prefix", prefix, "--json");

        Assert.Equal(0, run.ExitCode);
        var outcomes = run.Json.EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!.Substring(prefix.Length));
        Assert.False(outcomes["live"].GetProperty("reclaimed").GetBoolean());
        Assert.Contains($"creator (pid {Environment.ProcessId}) is alive", outcomes["live"].GetProperty("reason").GetString());
        Assert.True(outcomes["stale"].GetProperty("reclaimed").GetBoolean());
        Assert.False(outcomes["unread"].GetProperty("reclaimed").GetBoolean());
        Assert.Contains("5 unread message(s)", outcomes["unread"].GetProperty("reason").GetString());
        Assert.Equal(new[] { prefix + "live", prefix + "unread" }, SharedRing.List().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));

        CliRun forced = CliRun.Of("gc", "--prefix", prefix, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains($"reclaimed {prefix}unread", forced.Output);
        Assert.Contains($"kept      {prefix}live: ", forced.Output);
        Assert.Equal(new[] { prefix + "live" }, SharedRing.List().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public void Rm_deletes_a_ring_and_says_how_many_live_endpoints_keep_their_mapping()
    {
        using var name = TempName.Exactly($"cli-rm-{Guid.NewGuid():N}");
        using var ring = SharedRing.Create(name.Name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer();

        CliRun run = CliRun.Of("rm", name.Name, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((true, 1), (run.Json.GetProperty("deleted").GetBoolean(), run.Json.GetProperty("liveEndpoints").GetInt32()));
        Assert.DoesNotContain(name.Name, SharedRing.List());
        Assert.True(producer.TryWrite(new byte[4]), "an attached endpoint keeps its mapping");
        Assert.Equal(2, CliRun.Of("rm", name.Name).ExitCode);
    }

    [Fact]
    public void Watch_prints_one_sample_per_refresh_with_the_rates_between_them()
    {
        using var name = TempName.Exactly($"cli-watch-{Guid.NewGuid():N}");
        using var ring = SharedRing.Create(name.Name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 1 << 16 });
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer();
        using var stop = new CancellationTokenSource();
        var traffic = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (producer.TryWrite(new byte[20]))
                {
                    consumer.Read(static (_, _) => { }, 16);
                }

                Thread.Sleep(1);
            }
        });
        traffic.Start();
        CliRun run;
        try
        {
            run = CliRun.Of("watch", name.Name, "--json", "--interval", "300", "--count", "3");
        }
        finally
        {
            stop.Cancel();
            traffic.Join();
        }

        Assert.Equal(0, run.ExitCode);
        JsonElement[] samples = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(3, samples.Length);
        Assert.Equal(0, samples[0].GetProperty("rates").GetProperty("writtenMessagesPerSecond").GetDouble());
        Assert.True(samples[2].GetProperty("rates").GetProperty("writtenMessagesPerSecond").GetDouble() > 0, run.Output);
        Assert.True(samples[2].GetProperty("rates").GetProperty("readBytesPerSecond").GetDouble() > 0, run.Output);
        Assert.Equal(name.Name, samples[2].GetProperty("status").GetProperty("name").GetString());

        CliRun table = CliRun.Of("watch", name.Name, "--interval", "50", "--count", "1");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("messages/s", table.Output);
        Assert.Contains("written", table.Output);
    }

    /// <summary>A ring created by a real process that has exited since: its creator is dead, nobody is attached.</summary>
    private static void CreateStale(string name)
    {
        using var creator = PeerProcess.Start("create", name, "4096");
        Assert.Contains("created", creator.WaitForSuccess(PeerTimeout));
    }
}
