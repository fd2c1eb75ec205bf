namespace Vigil.Protocol;

public enum RespVersion
{
    Resp2 = 2,
    Resp3 = 3,
}
