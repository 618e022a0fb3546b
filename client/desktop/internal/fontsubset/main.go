// Command fontsubset lists the characters RescueDrill shows a pupil and
// cuts the CJK font down to them, so assets/fonts stays a few hundred KB
// instead of Noto Sans CJK's 19 MB:
//
//	go run ./client/desktop/internal/fontsubset -chars > /tmp/chars.txt
//	python3 -m fontTools.subset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
//	    --font-number=2 --text-file=/tmp/chars.txt --output-file=assets/fonts/NotoSansSC-RescueDrill.otf \
//	    --no-hinting
//
// (Debian: fonts-noto-cjk and python3-fonttools; font 2 of the collection
// is Noto Sans CJK SC.) Run it again when a scenario, the engine's reasons
// or the client's phrases gain characters: TestFontCoversText fails until
// then.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sources are the trees whose text reaches the screen: the engine's
// reasons, warnings and names, the scenarios, the maps' place names, the
// client's phrases.
var Sources = []string{"engine", "scenarios", "assets/maps", "client/desktop", "server/wire"}

// Extra are characters pupils type or are named with: the hundred most
// common Chinese surnames and frequent given-name characters, digits and
// full-width punctuation.
const Extra = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤" +
	"小明红华丽军伟芳娜敏静秀英强磊洋艳勇杰娟涛超霞平刚桂兰玉萍建国文辉鹏飞宇浩然子轩梓涵欣怡雨萱佳琪俊博一诺思睿梦瑶晨晓雪婷悦琳颖慧哲宁安乐天心志成" +
	"０１２３４５６７８９，。、；：？！“”‘’（）《》【】—…·"

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	rs, err := Needed(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(rs))
}

// Needed returns every character the client may show, sorted: printable
// ASCII, some symbols, Extra, and every non-ASCII character in the
// Sources' .go, .yaml and .json files.
func Needed(root string) ([]rune, error) {
	rs, err := collect(root, Sources...)
	if err != nil {
		return nil, err
	}
	set := map[rune]bool{}
	for _, r := range rs {
		set[r] = true
	}
	for r := rune(0x20); r < 0x7f; r++ {
		set[r] = true
	}
	for _, r := range "°×→←↑↓–—‘’“”…·✓◐○◎●▲◆△⚠" + Extra {
		set[r] = true
	}
	return sorted(set), nil
}

// collect returns the displayable non-ASCII characters of the .go (not
// tests), .yaml and .json files under the directories, sorted.
func collect(root string, dirs ...string) ([]rune, error) {
	set := map[rune]bool{}
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch filepath.Ext(p) {
			case ".go", ".yaml", ".json":
			default:
				return nil
			}
			if strings.HasSuffix(p, "_test.go") {
				return nil // tests' strings never reach a screen
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			AddText(set, string(b))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return sorted(set), nil
}

func sorted(set map[rune]bool) []rune {
	out := make([]rune, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// AddText adds the displayable non-ASCII characters of s (not superscripts,
// fractions or combining marks: those come from formulas in comments).
func AddText(set map[rune]bool, s string) {
	for _, r := range s {
		if r >= 0x80 && r != utf8.RuneError && unicode.IsGraphic(r) && !unicode.IsSpace(r) &&
			!unicode.Is(unicode.No, r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune("\ufeff", r) {
			set[r] = true
		}
	}
}
