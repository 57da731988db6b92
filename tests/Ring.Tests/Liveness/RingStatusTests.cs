using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Threading;
using Xunit;

namespace RingIpc.Tests.Liveness;

/// <summary><see cref="SharedRing.GetStatus"/>: who the endpoints are, whether each lives (pid and start time, never
/// a bare pid), their counters, and the claim that blocks the head.</summary>
public class RingStatusTests
{
    [Fact]
    public void The_status_names_every_endpoint_with_its_counters()
    {
        using var test = new TestRing("status", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using RingProducer second = test.Ring.CreateProducer();
        for (int i = 0; i < 5; i++)
        {
            Assert.True(test.Producer.TryWrite(new byte[10]));
        }

        Assert.True(second.TryWrite(new byte[3]));
        Assert.True(test.Consumer.TryRead(out RingMessage message));
        message.Dispose();
        Assert.Equal(2, test.Consumer.Read((_, _) => { }, maxMessages: 2));
        while (test.Producer.TryWrite(new byte[100]))
        {
        }

        RingStatus status = test.Ring.GetStatus();
        Assert.Equal(Environment.ProcessId, status.CreatorProcessId);
        Assert.True(status.CreatorIsAlive);
        Assert.False(status.IsStale);
        Assert.Equal(RingKind.Mpsc, status.Kind);
        Assert.Equal(test.Ring.Capacity, status.Capacity);
        Assert.NotNull(status.Consumer);
        Assert.Equal((Environment.ProcessId, true), (status.Consumer!.ProcessId, status.Consumer.IsAlive));
        Assert.Equal((3L, 30L), (status.Consumer.Counters.Messages, status.Consumer.Counters.Bytes)); // the first three: 10 bytes each
        Assert.Equal(2, status.Producers.Count);
        RingEndpointStatus first = status.Producers[0];
        Assert.True(first.Counters.Messages > 5);
        Assert.Equal(5 * 10L + ((first.Counters.Messages - 5) * 100), first.Counters.Bytes);
        Assert.Equal(1, first.Counters.FullRejections);
        Assert.Equal((1L, 3L), (status.Producers[1].Counters.Messages, status.Producers[1].Counters.Bytes));
        Assert.All(status.Producers, p => Assert.Equal((Environment.ProcessId, true), (p.ProcessId, p.IsAlive)));
        Assert.Equal(first.Counters.Messages + 1 - 3, status.UnreadMessages);
        Assert.Equal(status.Tail - status.Head, status.UsedBytes);
        Assert.Null(status.HeadBlockedBy);
    }

    [Fact]
    public void A_stalled_claim_shows_how_long_the_consumer_has_waited_on_it_to_any_reader()
    {
        using var test = new TestRing("status-stalled", new RingOptions { Capacity = 4096 });
        Assert.True(test.Producer.TryClaim(8, out RingClaim claim));
        // The consumer finds the head blocked and stamps it before it sleeps (under load a short wait may spend all
        // its time spinning: wait until the stamp is there).
        for (int i = 0; i < 100 && test.Ring.Header.HeadBlockSince.LoadAcquire() == 0; i++)
        {
            Assert.False(test.Consumer.WaitForData(TimeSpan.FromMilliseconds(50)));
        }

        Assert.NotEqual(0, test.Ring.Header.HeadBlockSince.LoadAcquire());
        Thread.Sleep(400);
        using (SharedRing reader = SharedRing.Open(test.Name)) // a reader that never saw the block before
        {
            RingHeadBlock block = reader.GetStatus().HeadBlockedBy!;
            Assert.InRange(block.BlockedFor, TimeSpan.FromMilliseconds(350), TimeSpan.FromMinutes(1));
        }

        claim.Commit();
        Assert.True(test.Consumer.TryRead(out RingMessage message));
        message.Dispose();
        Assert.True(test.Producer.TryClaim(8, out RingClaim next)); // another claim, not yet seen by the consumer
        using (SharedRing reader = SharedRing.Open(test.Name))
        {
            Assert.InRange(reader.GetStatus().HeadBlockedBy?.BlockedFor ?? TimeSpan.MaxValue, TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        }

        next.Abort();
    }

    [Fact]
    public void A_claim_at_the_head_is_named_with_its_producer()
    {
        using var test = new TestRing("status-claim", new RingOptions { Capacity = 4096 });
        Assert.True(test.Producer.TryClaim(8, out RingClaim claim));
        RingHeadBlock? block = test.Ring.GetStatus().HeadBlockedBy;
        Assert.NotNull(block);
        Assert.Equal((0, Environment.ProcessId, true), (block!.Slot, block.ProcessId, block.IsAlive));
        claim.Commit();
        RingStatus after = test.Ring.GetStatus();
        Assert.Null(after.HeadBlockedBy);
        Assert.Equal(1, after.UnreadMessages);
    }

    [Fact]
    public void A_disposed_producer_leaves_the_registry()
    {
        using var test = new TestRing("status-leave", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        RingProducer extra = test.Ring.CreateProducer();
        Assert.Equal(2, test.Ring.GetStatus().Producers.Count);
        extra.Dispose();
        Assert.Single(test.Ring.GetStatus().Producers);
        test.Consumer.Dispose();
        Assert.Null(test.Ring.GetStatus().Consumer);
    }

    /// <summary>A producer whose pid now belongs to a process with another start time is dead (the pid was reused),
    /// and a zombie is dead; a live process with the recorded start time is alive.</summary>
    [Fact]
    public void A_reused_pid_and_a_zombie_are_dead_and_only_the_same_process_is_alive()
    {
        long myStart = ProcessIdentity.Current.StartTime;
        Assert.NotEqual(0, myStart);
        Assert.True(ProcessLiveness.IsAlive(new ProcessIdentity(Environment.ProcessId, myStart)));
        Assert.False(ProcessLiveness.IsAlive(new ProcessIdentity(Environment.ProcessId, myStart + 1)), "a reused pid passed for the registered process");
        Assert.True(ProcessLiveness.IsAlive(new ProcessIdentity(Environment.ProcessId, 0)), "an unknown start time must not be judged dead");

        using var test = new TestRing("status-reused", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using (var section = SharedSection.Open(test.Name))
        {
            // The producer's slot (0) now says its process started at another time: a new process under the same pid.
            Span<byte> startTime = section.GetSpan(EndpointRegistry.Offset + EndpointSlotFields.Offsets.StartTime, 8);
            BinaryPrimitives.WriteInt64LittleEndian(startTime, myStart + 1);
        }

        RingEndpointStatus producer = Assert.Single(test.Ring.GetStatus().Producers);
        Assert.Equal(Environment.ProcessId, producer.ProcessId);
        Assert.False(producer.IsAlive);
    }

    [Fact]
    public void A_33rd_producer_is_refused_with_the_reason_and_a_freed_slot_is_taken_again()
    {
        using var test = new TestRing("status-full-registry", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        var producers = new RingProducer[EndpointRegistry.SlotCount - 1];
        try
        {
            for (int i = 0; i < producers.Length; i++)
            {
                producers[i] = test.Ring.CreateProducer();
            }

            var refused = Assert.Throws<RingRoleException>(() => test.Ring.CreateProducer());
            Assert.Contains("32 registry slots", refused.Message);
            producers[7].Dispose();
            using RingProducer again = test.Ring.CreateProducer();
            Assert.True(again.TryWrite(new byte[1]));
        }
        finally
        {
            foreach (RingProducer? producer in producers)
            {
                producer?.Dispose();
            }
        }
    }

    [Fact]
    public void A_format_v1_ring_is_refused_naming_both_versions()
    {
        using var name = new TempName("status-v1");
        using (SharedRing.Create(name, new RingOptions { Capacity = 4096 }))
        {
        }

        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeaderFields.Offsets.FormatVersion, 4), 1);
        }

        var error = Assert.Throws<RingFormatException>(() => SharedRing.Open(name));
        Assert.Equal(("format version", "1", "2"), (error.Field, error.Found, error.Expected));
    }

    [Fact]
    public void A_ring_with_an_unknown_flag_is_refused()
    {
        using var name = new TempName("status-flags");
        using (SharedRing.Create(name, new RingOptions { Capacity = 4096 }))
        {
        }

        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Flags, 4), RingHeader.FlagFenceMode | RingHeader.FlagReadPosition | 8);
        }

        var error = Assert.Throws<RingFormatException>(() => SharedRing.Open(name));
        Assert.Equal(("flags", "0xE"), (error.Field, error.Found));
        Assert.Contains("a newer RingIpc", error.Message);
    }

    [Fact]
    public void List_names_the_rings_of_this_machine()
    {
        using var test = new TestRing("status-list", new RingOptions { Capacity = 4096 });
        Assert.Contains(test.Name, SharedRing.List());
        Assert.DoesNotContain(SharedRing.List(), n => n.Contains('@', StringComparison.Ordinal) || n.StartsWith('.'));
    }

    /// <summary>The process start time is field 22 of /proc/pid/stat, read past the command name (which may hold
    /// spaces and parentheses).</summary>
    [Fact]
    public void The_start_time_is_read_past_a_hostile_command_name()
    {
        string folder = System.IO.Directory.CreateTempSubdirectory("ringipc-comm-").FullName;
        string hostile = System.IO.Path.Combine(folder, "x) (y z");
        System.IO.File.Copy("/bin/sleep", hostile);
        System.IO.File.SetUnixFileMode(hostile, System.IO.UnixFileMode.UserRead | System.IO.UnixFileMode.UserExecute);
        using var process = Process.Start(new ProcessStartInfo(hostile, "30"))!;
        try
        {
            KernelWaits.WaitUntil(() => System.IO.File.ReadAllText($"/proc/{process.Id}/stat").Contains("x) (y z", StringComparison.Ordinal), "the renamed process");
            string stat = System.IO.File.ReadAllText($"/proc/{process.Id}/stat");
            long expected = long.Parse(stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[19], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, ProcessIdentity.StartTimeOf(process.Id));
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }
}
