#if NET
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// The <see cref="Meter"/> named <c>RingIpc</c>: the counters and gauges of the rings this process has open
/// (<see cref="OpenRings"/>), read from their headers when a listener collects (<c>dotnet-counters</c>,
/// OpenTelemetry's <c>AddMeter("RingIpc")</c>): nothing is measured on the hot path, and nothing at all while no
/// listener collects. Created when the process opens its first ring.
/// </summary>
/// <remarks>
/// <para>Per-endpoint instruments carry the tags <c>ring</c>, <c>role</c> (<c>producer</c> or <c>consumer</c>),
/// <c>pid</c> and <c>slot</c> (a producer's registry slot, −1 for the consumer) and cover every endpoint the ring's
/// header records, in any process: a consumer's process also shows what the producers of its rings wrote. (Two
/// processes with the same ring open report the same endpoints: sum per process, not across them.) An endpoint's
/// counters start at zero when it attaches. Per-ring gauges carry <c>ring</c>.</para>
/// <para>One collection reads each ring's status once (<see cref="SharedRing.GetStatus"/>: no role is taken,
/// nothing changes) and reuses it for every instrument for <see cref="SnapshotReuseMs"/>. A ring that is corrupt or
/// being disposed is skipped: a callback never throws.</para>
/// </remarks>
internal static class RingMeter
{
    /// <summary>The meter's name, for <c>dotnet-counters monitor --counters RingIpc</c>.</summary>
    public const string MeterName = "RingIpc";

    /// <summary>How long one ring's status serves the instruments of one collection.</summary>
    internal const int SnapshotReuseMs = 20;

    private static readonly object Gate = new();
    private static readonly ConditionalWeakTable<SharedRing, Recent> RecentStatus = new();
    private static Meter? _meter;

    /// <summary>Creates the meter and its instruments, once.</summary>
    public static void EnsureCreated()
    {
        if (Volatile.Read(ref _meter) is not null)
        {
            return;
        }

        lock (Gate)
        {
            if (_meter is not null)
            {
                return;
            }

            var meter = new Meter(MeterName, typeof(RingMeter).Assembly.GetName().Version?.ToString());
            Endpoint(meter, "ringipc.messages", "{message}", "Messages written (producer) or read (consumer) since the endpoint attached.", c => c.Messages);
            Endpoint(meter, "ringipc.bytes", "By", "Payload bytes written (producer) or read (consumer) since the endpoint attached.", c => c.Bytes);
            Endpoint(meter, "ringipc.full_rejections", "{write}", "Writes and claims refused because the ring was full.", c => c.FullRejections);
            Endpoint(meter, "ringipc.sleeps", "{wait}", "Waits that went to sleep.", c => c.Sleeps);
            Endpoint(meter, "ringipc.wake_calls", "{call}", "Wake-up syscalls made for the other side.", c => c.WakeCalls);
            Endpoint(meter, "ringipc.abandoned_claims", "{claim}", "Producer: claims it aborted. Consumer: claims of dead producers it revoked.", c => c.AbandonedClaims);
            Endpoint(meter, "ringipc.repaired_gaps", "{gap}", "Consumer: reservations of dead producers turned into padding.", c => c.RepairedGaps);
            Ring(meter, "ringipc.unread_messages", "{message}", "Committed messages not yet read.", s => s.UnreadMessages);
            Ring(meter, "ringipc.used_bytes", "By", "Bytes reserved by producers and not yet read (tail - the consumer's read position).", s => s.UsedBytes);
            Ring(meter, "ringipc.capacity", "By", "Bytes in the ring's data area.", s => s.Capacity);
            Ring(meter, "ringipc.endpoints.live", "{endpoint}", "Endpoints whose processes run.", LiveEndpoints);
            meter.CreateObservableGauge("ringipc.head_blocked.duration", HeadBlocked, "s",
                "How long, at least, an uncommitted claim has blocked the head (0 when it is not blocked); tag pid: the claiming process.");
            Volatile.Write(ref _meter, meter);
        }
    }

    private static void Endpoint(Meter meter, string name, string unit, string description, Func<RingEndpointCounters, long> value) =>
        meter.CreateObservableCounter(name, () => EndpointMeasurements(value), unit, description);

    private static void Ring(Meter meter, string name, string unit, string description, Func<RingStatus, long> value) =>
        meter.CreateObservableGauge(name, () => RingMeasurements(value), unit, description);

    private static List<Measurement<long>> EndpointMeasurements(Func<RingEndpointCounters, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach (RingStatus status in Statuses())
        {
            if (status.Consumer is { } consumer)
            {
                measurements.Add(new Measurement<long>(value(consumer.Counters), EndpointTags(status, consumer)));
            }

            foreach (RingEndpointStatus producer in status.Producers)
            {
                measurements.Add(new Measurement<long>(value(producer.Counters), EndpointTags(status, producer)));
            }
        }

        return measurements;
    }

    private static List<Measurement<long>> RingMeasurements(Func<RingStatus, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach (RingStatus status in Statuses())
        {
            measurements.Add(new Measurement<long>(value(status), new KeyValuePair<string, object?>("ring", status.Name)));
        }

        return measurements;
    }

    private static List<Measurement<double>> HeadBlocked()
    {
        var measurements = new List<Measurement<double>>();
        foreach (RingStatus status in Statuses())
        {
            RingHeadBlock? block = status.HeadBlockedBy;
            measurements.Add(new Measurement<double>(block?.BlockedFor.TotalSeconds ?? 0,
                new KeyValuePair<string, object?>("ring", status.Name), new KeyValuePair<string, object?>("pid", block?.ProcessId ?? 0)));
        }

        return measurements;
    }

    private static long LiveEndpoints(RingStatus status)
    {
        long live = status.Consumer?.IsAlive == true ? 1 : 0;
        foreach (RingEndpointStatus producer in status.Producers)
        {
            live += producer.IsAlive ? 1 : 0;
        }

        return live;
    }

    private static KeyValuePair<string, object?>[] EndpointTags(RingStatus status, RingEndpointStatus endpoint) =>
    [
        new("ring", status.Name), new("role", endpoint.Role), new("pid", endpoint.ProcessId), new("slot", endpoint.Slot),
    ];

    /// <summary>The status of every open ring, read at most once per <see cref="SnapshotReuseMs"/>; rings that cannot
    /// be read (disposed meanwhile, corrupt) are left out.</summary>
    private static List<RingStatus> Statuses()
    {
        List<SharedRing> rings = OpenRings.Snapshot();
        var statuses = new List<RingStatus>(rings.Count);
        long now = Stopwatch.GetTimestamp();
        long reuseTicks = Stopwatch.Frequency * SnapshotReuseMs / 1000;
        foreach (SharedRing ring in rings)
        {
            if (RecentStatus.TryGetValue(ring, out Recent? recent) && now - recent.Taken < reuseTicks)
            {
                statuses.Add(recent.Status);
            }
            else if (TryRead(ring) is { } status)
            {
                RecentStatus.AddOrUpdate(ring, new Recent(now, status)); // goes with the ring: weak keys
                statuses.Add(status);
            }
        }

        return statuses;
    }

    private static RingStatus? TryRead(SharedRing ring)
    {
        try
        {
            return ring.GetStatus();
        }
        catch (Exception)
        {
            return null; // corrupt, disposed meanwhile, a /proc read that failed: skip it this time (a callback never throws)
        }
    }

    /// <summary>A ring's status and when it was read (<see cref="Stopwatch"/> ticks).</summary>
    private sealed class Recent(long taken, RingStatus status)
    {
        public long Taken { get; } = taken;

        public RingStatus Status { get; } = status;
    }
}
#endif
