using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>The generated layout of the header struct is pinned to the offsets of DESIGN.md §2, which both
/// bitnesses and every released version rely on, and so is the typed view of its shared words.</summary>
public class RingHeaderLayoutTests
{
    [Fact]
    public void The_header_fields_sit_where_format_v1_says()
    {
        Assert.Equal(4096, RingHeaderFields.Size);
        Assert.Equal(
            new[] { 0, 8, 12, 16, 24, 28, 32, 40, 44, 48, 52, 56, 128, 256, 384, 388, 392, 396, 512, 516 },
            new[]
            {
                RingHeaderFields.Offsets.Magic, RingHeaderFields.Offsets.FormatVersion, RingHeaderFields.Offsets.Kind,
                RingHeaderFields.Offsets.Capacity, RingHeaderFields.Offsets.MaxRecordLength, RingHeaderFields.Offsets.HeaderSize,
                RingHeaderFields.Offsets.MessageFingerprint, RingHeaderFields.Offsets.MessageSize, RingHeaderFields.Offsets.InitState,
                RingHeaderFields.Offsets.CreatorPid, RingHeaderFields.Offsets.Flags, RingHeaderFields.Offsets.CreationTimeUnixMs,
                RingHeaderFields.Offsets.Tail, RingHeaderFields.Offsets.Head, RingHeaderFields.Offsets.DataSequence,
                RingHeaderFields.Offsets.ConsumerWaiting, RingHeaderFields.Offsets.SpaceSequence, RingHeaderFields.Offsets.ProducersWaiting,
                RingHeaderFields.Offsets.ConsumerPid, RingHeaderFields.Offsets.ProducerPid,
            });
    }

    [Fact]
    public unsafe void The_typed_view_names_the_same_words()
    {
        byte* page = stackalloc byte[RingHeader.Size];
        var header = new RingHeader(page);
        Assert.Equal(
            new long[] { 128, 256, 384, 388, 392, 396, 512, 516, 4096 },
            new[]
            {
                (byte*)header.Tail.Address - page, (byte*)header.Head.Address - page,
                (byte*)header.DataSequence.Address - page, (byte*)header.ConsumerWaiting.Address - page,
                (byte*)header.SpaceSequence.Address - page, (byte*)header.ProducersWaiting.Address - page,
                (byte*)header.ConsumerPid.Address - page, (byte*)header.ProducerPid.Address - page,
                header.Data - page,
            });
    }

    [Fact]
    public unsafe void The_generated_struct_is_exactly_the_header_page()
    {
        Assert.Equal(4096, sizeof(RingHeaderFields));
        Assert.Equal(RingHeader.Size, sizeof(RingHeaderFields));
    }
}
