//! IPv4 CIDR arithmetic for subnet layouts, done at evaluation time so the
//! output holds literal blocks a reviewer can read.

/// A parsed block: network address and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub prefix: u8,
}

impl Cidr {
    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    pub fn first(self) -> u32 {
        self.addr
    }

    pub fn last(self) -> u32 {
        self.addr | !self.mask()
    }

    pub fn contains(self, other: Cidr) -> bool {
        other.prefix >= self.prefix && other.first() >= self.first() && other.last() <= self.last()
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c, d] = self.addr.to_be_bytes();
        write!(f, "{a}.{b}.{c}.{d}/{}", self.prefix)
    }
}

pub fn parse(s: &str) -> Result<Cidr, String> {
    let bad = || format!("`{s}` is not an IPv4 CIDR block like `10.0.0.0/16`");
    let (ip, prefix) = s.split_once('/').ok_or_else(bad)?;
    let prefix = decimal(prefix).filter(|p| *p <= 32).ok_or_else(bad)? as u8;
    let octets: Vec<u8> = ip
        .split('.')
        .map(|o| decimal(o).and_then(|n| u8::try_from(n).ok()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let [a, b, c, d] = <[u8; 4]>::try_from(octets).map_err(|_| bad())?;
    let addr = u32::from_be_bytes([a, b, c, d]);
    let cidr = Cidr { addr, prefix };
    if addr & !cidr.mask() != 0 {
        let net = Cidr { addr: addr & cidr.mask(), prefix };
        return Err(format!("`{s}` has host bits set: the block starting there is `{net}`"));
    }
    Ok(cidr)
}

/// A number as the AWS provider reads one in a CIDR block (Go's
/// `net.ParseCIDR`): digits only, and no leading zero (`010` is refused
/// there; other parsers read it as 8). Rust's `parse` took `010` as 10 and
/// `+1` as 1.
fn decimal(s: &str) -> Option<u32> {
    let canonical = s == "0" || (!s.starts_with('0') && !s.is_empty() && s.len() <= 3);
    (canonical && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Terraform's `cidrsubnet(base, newbits, netnum)`.
pub fn subnet(base: Cidr, newbits: u8, netnum: u32) -> Result<Cidr, String> {
    let prefix = base.prefix.checked_add(newbits).filter(|p| *p <= 32).ok_or_else(|| {
        format!("`{base}` cannot be split {newbits} bits further (a prefix cannot exceed /32)")
    })?;
    if newbits < 32 && u64::from(netnum) >= 1u64 << newbits {
        return Err(format!(
            "`{base}` has only {} subnets of /{prefix}; number {netnum} does not exist",
            1u64 << newbits
        ));
    }
    let shift = 32 - u32::from(prefix);
    let offset = if shift >= 32 { 0 } else { netnum << shift };
    Ok(Cidr { addr: base.addr | offset, prefix })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(parse("10.0.0.0/16").unwrap().to_string(), "10.0.0.0/16");
        assert!(parse("10.0.0/16").is_err());
        assert!(parse("10.0.0.0/33").is_err());
        assert!(parse("10.0.1.0/16").unwrap_err().contains("10.0.0.0/16"));
        for leading_zero in
            ["010.0.0.0/16", "10.000.0.0/16", "10.0.0.0/016", "00.0.0.0/0", "+10.0.0.0/8"]
        {
            assert!(parse(leading_zero).is_err(), "{leading_zero}");
        }
        assert_eq!(parse("0.0.0.0/0").unwrap().to_string(), "0.0.0.0/0");
    }

    #[test]
    fn subnets_like_terraform() {
        let vpc = parse("10.0.0.0/16").unwrap();
        assert_eq!(subnet(vpc, 8, 1).unwrap().to_string(), "10.0.1.0/24");
        assert_eq!(subnet(vpc, 4, 15).unwrap().to_string(), "10.0.240.0/20");
        assert!(subnet(vpc, 8, 256).is_err());
        assert!(vpc.contains(parse("10.0.3.0/24").unwrap()));
        assert!(!vpc.contains(parse("10.1.0.0/24").unwrap()));
        assert!(parse("10.0.0.0/23").unwrap().overlaps(parse("10.0.1.0/24").unwrap()));
        assert!(!parse("10.0.0.0/24").unwrap().overlaps(parse("10.0.1.0/24").unwrap()));
    }
}
