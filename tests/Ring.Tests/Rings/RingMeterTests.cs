using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>The <c>RingIpc</c> meter: the counters and gauges of this process's open rings, exactly as their
/// headers hold them, tagged per ring and endpoint, gone once a ring is disposed.</summary>
public class RingMeterTests
{
    [Fact]
    public void The_meter_reports_each_endpoints_counters_and_the_rings_gauges()
    {
        using var test = new TestRing("meter", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        for (int i = 0; i < 5; i++)
        {
            Assert.True(test.Producer.TryWrite(new byte[10]));
        }

        Assert.Equal(2, test.Consumer.Read((_, _) => { }, maxMessages: 2));
        while (test.Producer.TryWrite(new byte[100]))
        {
        }

        RingStatus status = test.Ring.GetStatus();
        List<Observed> observed = Collect(test.Name);
        long written = status.Producers[0].Counters.Messages;
        Assert.Equal(written, Value(observed, "ringipc.messages", "producer"));
        Assert.Equal(50 + ((written - 5) * 100), Value(observed, "ringipc.bytes", "producer"));
        Assert.Equal(2, Value(observed, "ringipc.messages", "consumer"));
        Assert.Equal(20, Value(observed, "ringipc.bytes", "consumer"));
        Assert.Equal(1, Value(observed, "ringipc.full_rejections", "producer"));
        Assert.Equal(0, Value(observed, "ringipc.full_rejections", "consumer"));
        Assert.Equal(written - 2, Value(observed, "ringipc.unread_messages"));
        Assert.Equal(status.UsedBytes, Value(observed, "ringipc.used_bytes"));
        Assert.Equal(4096, Value(observed, "ringipc.capacity"));
        Assert.Equal(2, Value(observed, "ringipc.endpoints.live"));
        Assert.Equal(0, Value(observed, "ringipc.head_blocked.duration"));

        Observed producer = observed.Single(o => o.Instrument == "ringipc.messages" && o.Tag("role") == "producer");
        Assert.Equal((Environment.ProcessId, 0), ((int)producer.Tags["pid"]!, (int)producer.Tags["slot"]!));
        Observed consumer = observed.Single(o => o.Instrument == "ringipc.messages" && o.Tag("role") == "consumer");
        Assert.Equal((Environment.ProcessId, -1), ((int)consumer.Tags["pid"]!, (int)consumer.Tags["slot"]!));
        foreach (string counter in new[] { "ringipc.sleeps", "ringipc.wake_calls", "ringipc.abandoned_claims", "ringipc.repaired_gaps" })
        {
            Assert.Equal(2, observed.Count(o => o.Instrument == counter)); // one per endpoint
        }
    }

    [Fact]
    public void The_measurements_follow_the_ring_as_it_runs()
    {
        using var test = new TestRing("meter-runs", new RingOptions { Capacity = 4096 });
        Assert.True(test.Producer.TryWrite(new byte[7]));
        Assert.Equal(1, Value(Collect(test.Name), "ringipc.unread_messages"));
        Assert.True(test.Producer.TryWrite(new byte[7]));
        Assert.Equal(1, test.Consumer.Read((_, _) => { }, maxMessages: 1));
        Thread.Sleep(RingMeter.SnapshotReuseMs * 3); // past the reuse of one collection's status
        List<Observed> later = Collect(test.Name);
        Assert.Equal(1, Value(later, "ringipc.unread_messages"));
        Assert.Equal(2, Value(later, "ringipc.messages", "producer"));
        Assert.Equal(1, Value(later, "ringipc.messages", "consumer"));
    }

    [Fact]
    public void A_disposed_ring_disappears_from_the_measurements()
    {
        var test = new TestRing("meter-gone", new RingOptions { Capacity = 4096 });
        TempName name = test.Name;
        Assert.True(test.Producer.TryWrite(new byte[1]));
        Assert.NotEmpty(Collect(name));
        test.Consumer.Dispose();
        test.Producer.Dispose();
        test.Ring.Dispose();
        try
        {
            Assert.Empty(Collect(name));
        }
        finally
        {
            name.Dispose();
        }
    }

    [Fact]
    public void A_blocked_head_shows_its_duration_and_the_claiming_process()
    {
        using var test = new TestRing("meter-blocked", new RingOptions { Capacity = 4096 });
        Assert.True(test.Producer.TryClaim(8, out RingClaim claim));
        Assert.True(test.Producer.TryWrite(new byte[8])); // waits behind the claim
        Collect(test.Name); // the first sighting
        Thread.Sleep(300);
        Observed blocked = Collect(test.Name).Single(o => o.Instrument == "ringipc.head_blocked.duration");
        Assert.InRange(blocked.Value, 0.25, 60);
        Assert.Equal(Environment.ProcessId, (int)blocked.Tags["pid"]!);

        claim.Commit();
        Thread.Sleep(RingMeter.SnapshotReuseMs * 3);
        Observed freed = Collect(test.Name).Single(o => o.Instrument == "ringipc.head_blocked.duration");
        Assert.Equal((0.0, 0), (freed.Value, (int)freed.Tags["pid"]!));
    }

    /// <summary>Records every observable instrument of the <c>RingIpc</c> meter once; the measurements of the ring
    /// named <paramref name="ring"/>.</summary>
    private static List<Observed> Collect(string ring)
    {
        var observed = new List<Observed>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "RingIpc")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;

        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var byName = new Dictionary<string, object?>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                byName[tag.Key] = tag.Value;
            }

            if ((string?)byName["ring"] == ring)
            {
                observed.Add(new Observed(instrument.Name, value, byName));
            }
        }
    }

    private static double Value(List<Observed> observed, string instrument, string? role = null) =>
        observed.Single(o => o.Instrument == instrument && (role is null || o.Tag("role") == role)).Value;

    private sealed record Observed(string Instrument, double Value, Dictionary<string, object?> Tags)
    {
        public string? Tag(string key) => Tags.TryGetValue(key, out object? value) ? value as string : null;
    }
}
