using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>The generated layout of the header struct is pinned to the offsets of format v2 (README, design:
/// DESIGN.md §2 as changed for v2), which both bitnesses and every released version rely on, and so is the typed
/// view of its shared words and the registry's slots.</summary>
public class RingHeaderLayoutTests
{
    [Fact]
    public void The_header_fields_sit_where_format_v2_says()
    {
        Assert.Equal(8192, RingHeaderFields.Size);
        Assert.Equal(
            new[] { 0, 8, 12, 16, 24, 28, 32, 40, 44, 48, 52, 56, 128, 256, 264, 268, 384, 388, 392, 396, 512, 516, 520, 528, 536, 544, 552, 640, 1024 },
            new[]
            {
                RingHeaderFields.Offsets.Magic, RingHeaderFields.Offsets.FormatVersion, RingHeaderFields.Offsets.Kind,
                RingHeaderFields.Offsets.Capacity, RingHeaderFields.Offsets.MaxRecordLength, RingHeaderFields.Offsets.HeaderSize,
                RingHeaderFields.Offsets.MessageFingerprint, RingHeaderFields.Offsets.MessageSize, RingHeaderFields.Offsets.InitState,
                RingHeaderFields.Offsets.CreatorPid, RingHeaderFields.Offsets.Flags, RingHeaderFields.Offsets.CreationTimeUnixMs,
                RingHeaderFields.Offsets.Tail, RingHeaderFields.Offsets.Head,
                RingHeaderFields.Offsets.ZeroingLength, RingHeaderFields.Offsets.ZeroingFromLow, RingHeaderFields.Offsets.DataSequence,
                RingHeaderFields.Offsets.ConsumerWaiting, RingHeaderFields.Offsets.SpaceSequence, RingHeaderFields.Offsets.ProducersAsleep,
                RingHeaderFields.Offsets.ConsumerPid, RingHeaderFields.Offsets.ProducerPid,
                RingHeaderFields.Offsets.ConsumerStartTime, RingHeaderFields.Offsets.ConsumerHeartbeat,
                RingHeaderFields.Offsets.HeadBlockPosition, RingHeaderFields.Offsets.HeadBlockSince,
                RingHeaderFields.Offsets.ConsumedPosition, RingHeaderFields.Offsets.ConsumerCounters, RingHeaderFields.Offsets.RegistryStart,
            });
    }

    [Fact]
    public void A_registry_slot_is_laid_out_as_format_v2_says()
    {
        Assert.Equal(128, EndpointSlotFields.Size);
        Assert.Equal(
            new[] { 0, 8, 16, 24, 32, 40, 44, 48, 64 },
            new[]
            {
                EndpointSlotFields.Offsets.Owner, EndpointSlotFields.Offsets.StartTime, EndpointSlotFields.Offsets.StartTimeOwner,
                EndpointSlotFields.Offsets.Heartbeat, EndpointSlotFields.Offsets.IntentPosition, EndpointSlotFields.Offsets.IntentLength,
                EndpointSlotFields.Offsets.FenceModeCommits, EndpointSlotFields.Offsets.PidNamespace, EndpointSlotFields.Offsets.Counters,
            });
        Assert.True(EndpointSlotFields.Offsets.Counters + (EndpointCounters.Count * 8) <= EndpointSlotFields.Size);
        Assert.Equal(RingHeaderFields.Offsets.RegistryStart, EndpointRegistry.Offset);
        Assert.True(EndpointRegistry.Offset + (EndpointRegistry.SlotCount * EndpointSlotFields.Size) <= RingHeaderFields.Size);
        Assert.True(RingHeaderFields.Offsets.ConsumerCounters + (EndpointCounters.Count * 8) <= EndpointRegistry.Offset);
    }

    [Fact]
    public unsafe void The_typed_view_names_the_same_words()
    {
        byte* page = stackalloc byte[RingHeader.Size];
        var header = new RingHeader(page);
        EndpointSlot slot = header.Registry[3];
        Assert.Equal(
            new long[] { 128, 256, 264, 268, 384, 388, 392, 396, 512, 516, 520, 528, 536, 544, 552, 1024 + (3 * 128), 1024 + (3 * 128) + 32, 1024 + (3 * 128) + 40, 8192 },
            new[]
            {
                (byte*)header.Tail.Address - page, (byte*)header.Head.Address - page,
                (byte*)header.ZeroingLength.Address - page, (byte*)header.ZeroingFromLow.Address - page,
                (byte*)header.DataSequence.Address - page, (byte*)header.ConsumerWaiting.Address - page,
                (byte*)header.SpaceSequence.Address - page, (byte*)header.ProducersAsleep.Address - page,
                (byte*)header.ConsumerPid.Address - page, (byte*)header.ProducerPid.Address - page,
                (byte*)header.ConsumerStartTime.Address - page, (byte*)header.ConsumerHeartbeat.Address - page,
                (byte*)header.HeadBlockPosition.Address - page, (byte*)header.HeadBlockSince.Address - page,
                (byte*)header.ConsumedPosition.Address - page, (byte*)slot.Owner.Address - page, (byte*)slot.IntentPosition.Address - page, (byte*)slot.IntentLength.Address - page,
                header.Data - page,
            });
        Assert.Equal(1 << 3, slot.AsleepBit);
    }

    [Fact]
    public unsafe void The_generated_struct_is_exactly_the_header()
    {
        Assert.Equal(8192, sizeof(RingHeaderFields));
        Assert.Equal(RingHeader.Size, sizeof(RingHeaderFields));
    }
}
