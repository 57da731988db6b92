using RingIpc.Rings;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>The generated layout of the header struct is pinned to the offsets of DESIGN.md §2, which both
/// bitnesses and every released version rely on.</summary>
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
                RingHeaderLayout.MagicOffset, RingHeaderLayout.VersionOffset, RingHeaderLayout.KindOffset,
                RingHeaderLayout.CapacityOffset, RingHeaderLayout.MaxRecordLengthOffset, RingHeaderLayout.HeaderSizeOffset,
                RingHeaderLayout.FingerprintOffset, RingHeaderLayout.MessageSizeOffset, RingHeaderLayout.InitStateOffset,
                RingHeaderLayout.CreatorPidOffset, RingHeaderLayout.FlagsOffset, RingHeaderLayout.CreationTimeOffset,
                RingHeaderLayout.TailOffset, RingHeaderLayout.HeadOffset, RingHeaderLayout.DataSequenceOffset,
                RingHeaderLayout.ConsumerWaitingOffset, RingHeaderLayout.SpaceSequenceOffset, RingHeaderLayout.ProducersWaitingOffset,
                RingHeaderLayout.ConsumerPidOffset, RingHeaderLayout.ProducerPidOffset,
            });
    }

    [Fact]
    public unsafe void The_generated_struct_is_exactly_the_header_page()
    {
        Assert.Equal(4096, sizeof(RingHeaderFields));
        Assert.Equal(RingHeaderLayout.HeaderSize, sizeof(RingHeaderFields));
    }
}
