using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc.Bench;

/// <summary>The RPC benchmark's request: 24 bytes of fixed-size fields (a generated, pointer-free layout).</summary>
[SharedLayout]
public partial struct QuoteRequest
{
    /// <summary>The call's sequence number (the reply echoes it).</summary>
    public partial long Sequence { get; set; }

    /// <summary>Instrument id.</summary>
    public partial long Instrument { get; set; }

    /// <summary>Quantity.</summary>
    public partial int Quantity { get; set; }

    /// <summary>Buy or sell.</summary>
    public partial bool Buy { get; set; }
}

/// <summary>The RPC benchmark's reply: 24 bytes.</summary>
[SharedLayout]
public partial struct QuoteReply
{
    /// <summary>The request's sequence number.</summary>
    public partial long Sequence { get; set; }

    /// <summary>The price quoted.</summary>
    public partial double Price { get; set; }

    /// <summary>Signed quantity times the instrument's tick count.</summary>
    public partial long Notional { get; set; }
}

/// <summary>The RPC benchmark's contract; the generator emits <c>QuoteServiceContract</c>, <c>QuoteServiceProxy</c>
/// and <c>QuoteServiceDispatcher</c>.</summary>
[SharedService]
public partial interface IQuoteService
{
    /// <summary>Prices a request: the reply is <see cref="Quotes.Price"/> of it.</summary>
    ValueTask<QuoteReply> PriceAsync(QuoteRequest request, CancellationToken cancellationToken);
}

/// <summary>The same request for StreamJsonRpc (a POCO with the same fields; the default JSON formatter).</summary>
public sealed class QuoteRequestDto
{
    /// <summary>The call's sequence number.</summary>
    public long Sequence { get; set; }

    /// <summary>Instrument id.</summary>
    public long Instrument { get; set; }

    /// <summary>Quantity.</summary>
    public int Quantity { get; set; }

    /// <summary>Buy or sell.</summary>
    public bool Buy { get; set; }
}

/// <summary>The same reply for StreamJsonRpc.</summary>
public sealed class QuoteReplyDto
{
    /// <summary>The request's sequence number.</summary>
    public long Sequence { get; set; }

    /// <summary>The price quoted.</summary>
    public double Price { get; set; }

    /// <summary>Signed quantity times the instrument's tick count.</summary>
    public long Notional { get; set; }
}

/// <summary>The function every server computes and every client checks: a wrong reply fails the run.</summary>
internal static class Quotes
{
    /// <summary>The request of call number <paramref name="sequence"/>.</summary>
    public static QuoteRequest Request(long sequence) => new()
    {
        Sequence = sequence,
        Instrument = 1000 + (sequence % 64),
        Quantity = 1 + (int)(sequence % 100),
        Buy = (sequence & 1) == 0,
    };

    /// <summary>The reply to <paramref name="request"/>.</summary>
    public static QuoteReply Price(in QuoteRequest request) => Price(request.Sequence, request.Instrument, request.Quantity, request.Buy);

    /// <summary>The reply to a request given field by field.</summary>
    public static QuoteReply Price(long sequence, long instrument, int quantity, bool buy) => new()
    {
        Sequence = sequence,
        Price = (instrument % 10_000) * 0.01 + (buy ? 0.05 : -0.05),
        Notional = (buy ? 1 : -1) * (long)quantity * (instrument % 10_000),
    };

    /// <summary>Throws unless the reply's fields are those of the reply to call <paramref name="sequence"/>.</summary>
    public static void Check(string transport, long sequence, long replySequence, double price, long notional)
    {
        QuoteReply expected = Price(Request(sequence));
        if (replySequence != expected.Sequence || BitConverter.DoubleToInt64Bits(price) != BitConverter.DoubleToInt64Bits(expected.Price) ||
            notional != expected.Notional)
        {
            throw new InvalidOperationException(
                $"{transport}: call {sequence} returned (sequence {replySequence}, price {price:R}, notional {notional}); expected ({expected.Sequence}, {expected.Price:R}, {expected.Notional}).");
        }
    }

    /// <summary>Throws unless <paramref name="reply"/> answers call <paramref name="sequence"/>.</summary>
    public static void Check(string transport, long sequence, in QuoteReply reply) => Check(transport, sequence, reply.Sequence, reply.Price, reply.Notional);
}

/// <summary>The RingIpc implementation (served through the generated dispatcher).</summary>
internal sealed class QuoteService : IQuoteService
{
    private long _served;

    /// <summary>How many calls were served.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <inheritdoc/>
    public ValueTask<QuoteReply> PriceAsync(QuoteRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _served);
        return new ValueTask<QuoteReply>(Quotes.Price(request));
    }
}

/// <summary>The StreamJsonRpc target object: one method, "Price".</summary>
internal sealed class QuoteJsonTarget
{
    private long _served;

    /// <summary>How many calls were served.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Prices a request, as <see cref="Quotes.Price(long, long, int, bool)"/>.</summary>
    public QuoteReplyDto Price(QuoteRequestDto request)
    {
        Interlocked.Increment(ref _served);
        QuoteReply reply = Quotes.Price(request.Sequence, request.Instrument, request.Quantity, request.Buy);
        return new QuoteReplyDto { Sequence = reply.Sequence, Price = reply.Price, Notional = reply.Notional };
    }
}
