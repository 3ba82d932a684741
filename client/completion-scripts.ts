/**
 * The completion scripts of bash, zsh and fish. Each is glue only: on Tab it runs
 * `chat completion complete -- <words>` and offers what that prints (one candidate per
 * line, `word<TAB>description`; a line `:files` lets the shell add file names), so every
 * rule lives in one place (completion-words.ts) and follows the installed `chat`.
 */

/** The shells that have a completion script. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** One of SHELLS. */
export type Shell = (typeof SHELLS)[number];

// Bash splits words at @ = : (COMP_WORDBREAKS): the words are taken from the line instead,
// and each candidate is cut to the part that replaces bash's own current word.
const BASH = `# bash completion for chat. Load it with:  source <(chat completion bash)
_chat_completion() {
  local line=\${COMP_LINE:0:COMP_POINT} cur=\${COMP_WORDS[COMP_CWORD]} out word strip
  local -a words
  read -ra words <<<"$line"
  [[ -z $line || $line =~ [[:space:]]$ ]] && words+=("")
  word=\${words[\${#words[@]}-1]}
  strip=$((\${#word} - \${#cur}))
  COMPREPLY=()
  while IFS= read -r out; do
    if [[ $out == :files ]]; then
      compopt -o default 2>/dev/null
      continue
    fi
    out=\${out%%$'\\t'*}
    if ((strip > 0)); then out=\${out:strip}; fi
    COMPREPLY+=("$out")
  done < <(command chat completion complete -- "\${words[@]:1}" 2>/dev/null)
}
complete -F _chat_completion chat
`;

const ZSH = `#compdef chat
# zsh completion for chat. Load it with:  source <(chat completion zsh)  (after compinit)
_chat() {
  local -a out cands shown
  local line
  out=("\${(@f)$(command chat completion complete -- "\${(@Q)words[2,CURRENT-1]}" "\${(Q)PREFIX}" 2>/dev/null)}")
  for line in "\${out[@]}"; do
    [[ -z $line ]] && continue
    if [[ $line == :files ]]; then
      _files
      continue
    fi
    cands+=("\${line%%$'\\t'*}")
    if [[ $line == *$'\\t'* ]]; then
      shown+=("\${line%%$'\\t'*}  -- \${line#*$'\\t'}")
    else
      shown+=("$line")
    fi
  done
  (( \${#cands} )) && compadd -l -d shown -a cands
  return 0
}
if [[ "\${funcstack[1]}" == _chat ]]; then
  _chat "$@"
else
  compdef _chat chat
fi
`;

const FISH = `# fish completion for chat. Load it with:  chat completion fish | source
function __chat_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    for line in (command chat completion complete -- $tokens[2..-1] $current 2>/dev/null)
        if test "$line" = ":files"
            __fish_complete_path $current
        else
            printf '%s\\n' $line
        end
    end
end
complete -c chat -f -a '(__chat_complete)'
`;

const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };

/** Whether a word names a shell of SHELLS. */
export function isShell(word: string): word is Shell {
  return (SHELLS as readonly string[]).includes(word);
}

/** The completion script of a shell. */
export function completionScript(shell: Shell): string {
  return SCRIPTS[shell];
}
