;; layout
